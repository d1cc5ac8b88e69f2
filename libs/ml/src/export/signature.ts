import { onnx } from 'onnx-proto';
import { TABULAR_TENSOR_NAMES } from './contract';
import { OnnxExportError } from './errors';

/** One input or output as a model card (and the Open Inference Protocol) describes it. */
export interface TabularTensorSignature {
  readonly name: string;
  readonly datatype: 'FP32' | 'INT64';
  /** Sizes, −1 for a dynamic axis. */
  readonly shape: readonly number[];
}

/** Inputs and outputs of a model. */
export interface TabularSignature {
  readonly inputs: readonly TabularTensorSignature[];
  readonly outputs: readonly TabularTensorSignature[];
}

/**
 * The signature every exported tabular model has: `features` FP32 [−1, F] → `probabilities` FP32 [−1, 2],
 * `label` INT64 [−1].
 *
 * @param featureCount - F.
 * @returns The signature, for the model card's `inputs` / `outputs`.
 * @throws OnnxExportError `INVALID_OPTION` when F is not a positive integer.
 */
export function tabularSignature(featureCount: number): TabularSignature {
  if (!Number.isInteger(featureCount) || featureCount < 1) {
    throw new OnnxExportError('INVALID_OPTION', `feature count ${featureCount} must be a positive integer`);
  }
  return {
    inputs: [{ name: TABULAR_TENSOR_NAMES.input, datatype: 'FP32', shape: [-1, featureCount] }],
    outputs: [
      { name: TABULAR_TENSOR_NAMES.probabilities, datatype: 'FP32', shape: [-1, 2] },
      { name: TABULAR_TENSOR_NAMES.label, datatype: 'INT64', shape: [-1] },
    ],
  };
}

/** ONNX TensorProto element types the tabular contract uses. */
const DATATYPE_OF_ELEMENT: Readonly<Record<number, 'FP32' | 'INT64'>> = { 1: 'FP32', 7: 'INT64' };

/**
 * Decodes ONNX bytes.
 *
 * @param bytes - A serialised ModelProto.
 * @returns The decoded model.
 * @throws OnnxExportError `UNSUPPORTED_GRAPH` when the bytes are not a ModelProto with a graph.
 */
export function decodeOnnxModel(bytes: Uint8Array): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxExportError('UNSUPPORTED_GRAPH', `not an ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph) throw new OnnxExportError('UNSUPPORTED_GRAPH', 'ONNX model has no graph');
  return model;
}

/**
 * The signature an ONNX file declares (symbolic dimensions read as −1).
 *
 * @param bytes - ONNX model bytes.
 * @returns Its graph inputs that are not initializers, and its outputs.
 * @throws OnnxExportError `UNSUPPORTED_GRAPH` for undecodable bytes, or a tensor whose type is not float32 or
 *   int64 or whose shape is missing.
 */
export function signatureOfOnnx(bytes: Uint8Array): TabularSignature {
  const graph = decodeOnnxModel(bytes).graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const describe = (v: onnx.IValueInfoProto): TabularTensorSignature => {
    const tensorType = v.type?.tensorType;
    const datatype = DATATYPE_OF_ELEMENT[tensorType?.elemType ?? 0];
    if (!tensorType?.shape || !datatype) {
      throw new OnnxExportError(
        'UNSUPPORTED_GRAPH',
        `tensor '${v.name}' is not a float32/int64 tensor with a shape`,
      );
    }
    const shape = (tensorType.shape.dim ?? []).map((d) => (d.dimParam ? -1 : Number(d.dimValue ?? -1)));
    return { name: v.name ?? '', datatype, shape };
  };
  return {
    inputs: graph.input.filter((v) => !initializers.has(v.name ?? '')).map(describe),
    outputs: graph.output.map(describe),
  };
}

/**
 * The metadata properties of an ONNX file.
 *
 * @param bytes - ONNX model bytes.
 * @returns `metadata_props` as an object (later duplicates win).
 * @throws OnnxExportError `UNSUPPORTED_GRAPH` for undecodable bytes.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of decodeOnnxModel(bytes).metadataProps) out[p.key ?? ''] = p.value ?? '';
  return out;
}
