import { onnx } from 'onnx-proto';
import { type DType, dtypeOfData, ONNX_DATA_TYPE, type TensorData } from './dtype';
import { OnnxGraphError } from './errors';
import { formatShape, type Shape, staticSize, type TensorRef } from './tensor';

/** A constant tensor value (used by `Constant` nodes, `ConstantOfShape` and initializers). */
export interface ConstantValue {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** A node attribute, tagged by its ONNX attribute type. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: ConstantValue };

/** One op of the graph as recorded by the builder (inputs `null` are omitted optional inputs). */
export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly (TensorRef | null)[];
  readonly outputs: readonly TensorRef[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** What `addNode` should create for one output: its element type, shape and optionally its name. */
export interface OutputSpec {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly name?: string;
}

/** Options of a new graph. */
export interface GraphBuilderOptions {
  /** Graph name stored in the model (default `'graph'`). */
  readonly name?: string;
  /** Default-domain opset version, 13 to 21 (default 17, the version the model contract fixes). */
  readonly opset?: number;
  /** `producer_name` of the model (default `'calcscope'`). */
  readonly producerName?: string;
  /** `producer_version` of the model (default `'0.1.0'`). */
  readonly producerVersion?: string;
  /** Free-text description stored as the model's `doc_string`. */
  readonly docString?: string;
}

interface InitializerRecord {
  readonly ref: TensorRef;
  readonly data: TensorData;
}

/** Lowest and highest default-domain opset the op helpers are written for. */
const MIN_OPSET = 13;
const MAX_OPSET = 21;

/**
 * A typed ONNX graph under construction: graph inputs, initializers, nodes (appended in topological order,
 * since a node can only consume tensors that already exist), outputs and model metadata, serialised with
 * onnx-proto to a `ModelProto`.
 *
 * Op helpers (`op.matMul(g, a, b)`, ...) call `addNode` with the output shapes they infer; autodiff reads
 * the recorded nodes back through `nodes` and `producerOf`.
 */
export class GraphBuilder {
  readonly name: string;
  readonly opset: number;
  private readonly producerName: string;
  private readonly producerVersion: string;
  private readonly docString: string;
  private readonly tensors = new Map<string, TensorRef>();
  private readonly producers = new Map<string, number>();
  private readonly nodeList: GraphNode[] = [];
  private readonly inputList: TensorRef[] = [];
  private readonly initializerList: InitializerRecord[] = [];
  private readonly outputList: TensorRef[] = [];
  private readonly metadata = new Map<string, string>();
  private readonly scalarCache = new Map<string, TensorRef>();
  private nameCounter = 0;
  private freshDimCounter = 0;

  /**
   * @param options - Graph name, opset and producer fields.
   * @throws OnnxGraphError `INVALID_ARGUMENT` when the opset is outside 13–21.
   */
  constructor(options: GraphBuilderOptions = {}) {
    const opset = options.opset ?? 17;
    if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new OnnxGraphError(
        'INVALID_ARGUMENT',
        `opset must be an integer in ${MIN_OPSET}..${MAX_OPSET}, got ${opset}`,
      );
    }
    this.name = options.name ?? 'graph';
    this.opset = opset;
    this.producerName = options.producerName ?? 'calcscope';
    this.producerVersion = options.producerVersion ?? '0.1.0';
    this.docString = options.docString ?? '';
  }

  /** Nodes in insertion (= topological) order. */
  get nodes(): readonly GraphNode[] {
    return this.nodeList;
  }

  /** Graph inputs in declaration order. */
  get inputs(): readonly TensorRef[] {
    return this.inputList;
  }

  /** Graph outputs in declaration order. */
  get outputs(): readonly TensorRef[] {
    return this.outputList;
  }

  /**
   * A name not used by any tensor of this graph yet.
   *
   * @param prefix - Readable stem, e.g. `'grad_W1'`.
   * @returns `prefix` itself when free, else `prefix_<k>` for the first free counter value.
   */
  uniqueName(prefix: string): string {
    if (!this.tensors.has(prefix)) return prefix;
    let candidate = `${prefix}_${this.nameCounter++}`;
    while (this.tensors.has(candidate)) candidate = `${prefix}_${this.nameCounter++}`;
    return candidate;
  }

  /**
   * A new symbolic dimension for a size the builder cannot infer statically (e.g. a data-dependent reshape).
   * Numbered per graph so the same construction always serialises to the same bytes.
   *
   * @returns A dimension name no other call on this graph returns.
   */
  freshDim(): string {
    return `unk_${this.freshDimCounter++}`;
  }

  /**
   * Declares a graph input.
   *
   * @param name - Input name as fed to `session.run`.
   * @param dtype - Element type.
   * @param shape - Shape; strings are symbolic dimensions (e.g. `['N', 41]` for a dynamic batch).
   * @returns The input's handle.
   * @throws OnnxGraphError `DUPLICATE_NAME` or `INVALID_ARGUMENT` (negative or fractional dimension).
   */
  input(name: string, dtype: DType, shape: Shape): TensorRef {
    const ref = this.register({ name, dtype, shape: checkShape(shape, name) });
    this.inputList.push(ref);
    return ref;
  }

  /**
   * Adds a constant tensor stored in the model (an ONNX initializer).
   *
   * @param name - Tensor name (made unique with `uniqueName` when `unique` is true).
   * @param data - Values in row-major order; copied into the model when serialised.
   * @param shape - Static shape whose element count equals `data.length`.
   * @param options.dtype - Element type; defaults to the array's (`Uint8Array` → uint8; pass `'bool'` for masks).
   * @param options.unique - Rename on collision instead of throwing.
   * @returns The initializer's handle.
   * @throws OnnxGraphError `DUPLICATE_NAME`, `INVALID_ARGUMENT` (length/shape mismatch) or `DTYPE_MISMATCH`.
   */
  initializer(
    name: string,
    data: TensorData,
    shape: readonly number[],
    options: { dtype?: DType; unique?: boolean } = {},
  ): TensorRef {
    const dtype = options.dtype ?? dtypeOfData(data);
    const expectedArray = dtypeOfData(data);
    if (dtype !== expectedArray && !(dtype === 'bool' && expectedArray === 'uint8')) {
      throw new OnnxGraphError(
        'DTYPE_MISMATCH',
        `initializer '${name}': ${dtype} data given as ${expectedArray} array`,
      );
    }
    checkShape(shape, name);
    if (staticSize(shape) !== data.length) {
      throw new OnnxGraphError(
        'INVALID_ARGUMENT',
        `initializer '${name}': shape ${formatShape(shape)} holds ${staticSize(shape)} values, data has ${data.length}`,
      );
    }
    const finalName = options.unique ? this.uniqueName(name) : name;
    const ref = this.register({ name: finalName, dtype, shape: [...shape] });
    this.initializerList.push({ ref, data });
    return ref;
  }

  /**
   * A rank-0 constant, shared by every caller asking for the same value and type.
   *
   * @param value - The number (integral for integer types; 0/1 for bool).
   * @param dtype - Element type (default float32).
   * @returns Handle of a scalar initializer.
   */
  scalar(value: number, dtype: DType = 'float32'): TensorRef {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : String(value)}`;
    const cached = this.scalarCache.get(key);
    if (cached) return cached;
    const ref = this.initializer(`_const_${dtype}_${sanitise(String(value))}`, scalarData(value, dtype), [], {
      dtype,
      unique: true,
    });
    this.scalarCache.set(key, ref);
    return ref;
  }

  /**
   * A 1-D int64 constant (axes, shapes, split sizes, ...).
   *
   * @param values - Integer values.
   * @param name - Name stem; the tensor is named `_<stem>` (made unique), keeping readable names free for users.
   * @returns Handle of an int64 initializer of shape `[values.length]`.
   */
  int64Vector(values: readonly number[], name = 'const_i64'): TensorRef {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.initializer(`_${name}`, data, [values.length], { unique: true });
  }

  /**
   * Appends a node. Op helpers call this with the output types and shapes they inferred.
   *
   * @param opType - ONNX op type in the default domain, e.g. `'MatMul'`.
   * @param inputs - Input tensors of this graph; `null` for an omitted optional input.
   * @param outputs - Type, shape and optional name of each output.
   * @param attributes - Node attributes.
   * @returns Handles of the outputs, in order.
   * @throws OnnxGraphError `UNKNOWN_TENSOR` for a foreign input, `DUPLICATE_NAME` for a taken output name.
   */
  addNode(
    opType: string,
    inputs: readonly (TensorRef | null)[],
    outputs: readonly OutputSpec[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): TensorRef[] {
    for (const input of inputs) if (input) this.assertOwn(input);
    const refs = outputs.map((spec) =>
      this.register({
        name: spec.name ?? this.uniqueName(`_${opType.toLowerCase()}_${this.nodeList.length}`),
        dtype: spec.dtype,
        shape: checkShape(spec.shape, opType),
      }),
    );
    const index = this.nodeList.length;
    this.nodeList.push({
      name: `${opType}_${index}`,
      opType,
      inputs: [...inputs],
      outputs: refs,
      attributes,
    });
    for (const ref of refs) this.producers.set(ref.name, index);
    return refs;
  }

  /**
   * Declares a graph output. When `name` differs from the tensor's own name an `Identity` node gives the
   * value that name.
   *
   * @param tensor - Value to expose.
   * @param name - Output name as read from `session.run` results (default: the tensor's name).
   * @returns Handle of the output value.
   * @throws OnnxGraphError `DUPLICATE_NAME` when the value is already an output, or `UNKNOWN_TENSOR`.
   */
  output(tensor: TensorRef, name?: string): TensorRef {
    this.assertOwn(tensor);
    let ref = tensor;
    if (name !== undefined && name !== tensor.name) {
      [ref] = this.addNode('Identity', [tensor], [{ dtype: tensor.dtype, shape: tensor.shape, name }]);
    }
    if (this.outputList.some((o) => o.name === ref.name)) {
      throw new OnnxGraphError('DUPLICATE_NAME', `'${ref.name}' is already a graph output`);
    }
    this.outputList.push(ref);
    return ref;
  }

  /**
   * Sets a model metadata property (`metadata_props`), e.g. `family` → `'sae'`.
   *
   * @param key - Property name.
   * @param value - Property value (replaces an earlier value of the same key).
   */
  setMetadata(key: string, value: string): void {
    this.metadata.set(key, value);
  }

  /**
   * The node that computes a tensor.
   *
   * @param tensor - A tensor of this graph.
   * @returns Its producing node, or undefined for graph inputs and initializers.
   */
  producerOf(tensor: TensorRef): GraphNode | undefined {
    const index = this.producers.get(tensor.name);
    return index === undefined ? undefined : this.nodeList[index];
  }

  /**
   * The data of an initializer (e.g. the axes input of a ReduceSum), for rules that need static values.
   *
   * @param tensor - A tensor of this graph.
   * @returns The initializer's data, or undefined when the tensor is not an initializer.
   */
  initializerData(tensor: TensorRef): TensorData | undefined {
    return this.initializerList.find((r) => r.ref === tensor)?.data;
  }

  /**
   * Throws unless the handle was created by this builder.
   *
   * @param tensor - Handle to check.
   * @throws OnnxGraphError `UNKNOWN_TENSOR`.
   */
  assertOwn(tensor: TensorRef): void {
    if (this.tensors.get(tensor.name) !== tensor) {
      throw new OnnxGraphError(
        'UNKNOWN_TENSOR',
        `tensor '${tensor.name}' does not belong to graph '${this.name}'`,
      );
    }
  }

  /**
   * The model as an onnx-proto `ModelProto` message object.
   *
   * @returns ModelProto with IR version matching the opset, the default-domain opset import, graph and metadata.
   * @throws OnnxGraphError `INVALID_ARGUMENT` when the graph has no outputs.
   */
  toModelProto(): onnx.ModelProto {
    if (this.outputList.length === 0) {
      throw new OnnxGraphError('INVALID_ARGUMENT', `graph '${this.name}' has no outputs`);
    }
    return onnx.ModelProto.create({
      irVersion: irVersionForOpset(this.opset),
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: this.producerName,
      producerVersion: this.producerVersion,
      docString: this.docString,
      graph: {
        name: this.name,
        node: this.nodeList.map(nodeToProto),
        initializer: this.initializerList.map((r) =>
          tensorToProto(r.ref.name, r.ref.dtype, r.ref.shape as number[], r.data),
        ),
        input: this.inputList.map(valueInfo),
        output: this.outputList.map(valueInfo),
      },
      metadataProps: [...this.metadata].map(([key, value]) => ({ key, value })),
    });
  }

  /**
   * The serialised model, ready for `InferenceSession.create` or for writing as `model.onnx`.
   *
   * @returns Protobuf bytes of the ModelProto.
   */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.toModelProto()).finish();
  }

  private register(ref: TensorRef): TensorRef {
    if (ref.name.length === 0) throw new OnnxGraphError('INVALID_ARGUMENT', 'tensor names must not be empty');
    if (this.tensors.has(ref.name)) {
      throw new OnnxGraphError(
        'DUPLICATE_NAME',
        `graph '${this.name}' already has a tensor named '${ref.name}'`,
      );
    }
    const frozen: TensorRef = Object.freeze({
      name: ref.name,
      dtype: ref.dtype,
      shape: Object.freeze([...ref.shape]),
    });
    this.tensors.set(frozen.name, frozen);
    return frozen;
  }
}

/**
 * The onnx-proto `TensorProto` of a constant (raw little-endian bytes).
 *
 * @param name - Tensor name ('' inside a `Constant` attribute).
 * @param dtype - Element type.
 * @param shape - Static shape.
 * @param data - Values, row-major.
 * @returns The message object.
 */
export function tensorToProto(
  name: string,
  dtype: DType,
  shape: readonly number[],
  data: TensorData,
): onnx.ITensorProto {
  // Copy the viewed bytes: the typed array may be a window into a larger buffer.
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dataType: ONNX_DATA_TYPE[dtype], dims: [...shape], rawData };
}

function valueInfo(ref: TensorRef): onnx.IValueInfoProto {
  return {
    name: ref.name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE[ref.dtype],
        shape: { dim: ref.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function nodeToProto(node: GraphNode): onnx.INodeProto {
  return {
    name: node.name,
    opType: node.opType,
    domain: '',
    input: node.inputs.map((t) => (t ? t.name : '')),
    output: node.outputs.map((t) => t.name),
    attribute: Object.entries(node.attributes).map(([name, value]) => attributeToProto(name, value)),
  };
}

function attributeToProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  if ('string' in value) return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
  const t = value.tensor;
  return { name, type: T.TENSOR, t: tensorToProto('', t.dtype, t.shape, t.data) };
}

function irVersionForOpset(opset: number): number {
  // onnx/docs/Versioning.md: opset 17–18 ship with IR 8, 19–20 with IR 9, 21 with IR 10.
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function checkShape(shape: Shape, owner: string): Shape {
  for (const d of shape) {
    if (typeof d === 'number' ? !Number.isInteger(d) || d < 0 : d.length === 0) {
      throw new OnnxGraphError(
        'INVALID_ARGUMENT',
        `'${owner}': invalid dimension ${JSON.stringify(d)} in ${formatShape(shape)}`,
      );
    }
  }
  return shape;
}

/**
 * Typed-array data holding one value of the given type.
 *
 * @param value - The number.
 * @param dtype - Element type.
 * @returns A one-element typed array.
 */
export function scalarData(value: number, dtype: DType): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.of(value);
    case 'float64':
      return Float64Array.of(value);
    case 'int32':
      return Int32Array.of(value);
    case 'int64':
      return BigInt64Array.of(BigInt(value));
    default:
      return Uint8Array.of(value);
  }
}

function sanitise(text: string): string {
  return text.replace(/[^0-9A-Za-z]/g, '_');
}
