import { GraphBuilder, op } from '@calcscope/onnx';
import { onnx } from 'onnx-proto';
import { appendContractOutputs, BATCH_DIM, TABULAR_ONNX_OPSET, TABULAR_TENSOR_NAMES } from './contract';
import { OnnxExportError } from './errors';
import {
  checkExportMetadata,
  metadataProperties,
  ONNX_METADATA_KEYS,
  type OnnxExportMetadata,
} from './metadata';
import { decodeOnnxModel } from './signature';
import { type ExportableModel, exportTabularModel } from './tabular';

/** Options of `exportEnsemble`. */
export interface EnsembleExportOptions {
  /** Non-negative weight per member (normalised to sum 1); default equal weights. */
  readonly weights?: readonly number[];
  /**
   * Scenario, schema hash, feature names and task of the ensemble. Required when a member is a model object
   * (it is exported with this metadata); for ONNX members it defaults to theirs, which must agree.
   */
  readonly metadata?: OnnxExportMetadata;
}

/** A member graph ready to splice: its live nodes and initializers, names prefixed. */
interface PreparedMember {
  readonly family: string;
  readonly metadata: Record<string, string>;
  readonly nodes: onnx.INodeProto[];
  readonly initializers: onnx.ITensorProto[];
  /** Renamed tensor holding the member's probabilities [N, 2]. */
  readonly probabilities: string;
  /** Its element type: the float64 probabilities of this library's exporters, else the float32 output. */
  readonly probabilitiesType: 'float64' | 'float32';
}

/** Prefix that keeps each member's tensor and node names apart (the builder never generates a `/`). */
const memberPrefix = (index: number) => `member${index}/`;

/**
 * Exports an ensemble of tabular models as one ONNX graph: every member's graph is copied in with its names
 * prefixed (`member<i>/…`), all reading the shared `features` input; `probabilities` is the weighted mean
 * Σᵢ wᵢ·pᵢ of the members' probabilities (weights normalised to sum 1), computed in float64 (from a member's
 * internal float64 probabilities where it has them, as this library's exporters do; else from its float32
 * output), and `label` its ArgMax (ties to 0). Members' own `label` outputs and anything else not needed
 * for their probabilities are dropped.
 *
 * @param members - ONNX bytes following the tabular contract (opset 17, default domain, `features` [N, F] →
 *   `probabilities` [N, 2]) and/or trained models (exported first with `options.metadata`).
 * @param options - Weights and metadata; see `EnsembleExportOptions`.
 * @returns ONNX model bytes per the tabular contract; metadata `family` = `ensemble`, the common properties
 *   and `members` (JSON `[{ family, weight }]`).
 * @throws OnnxExportError `INVALID_OPTION` (no members, bad weights), `INVALID_METADATA` (missing or bad
 *   metadata), `UNSUPPORTED_GRAPH` (a member outside the contract), `INCOMPATIBLE_MEMBERS` (members of
 *   different feature counts, schema hashes, scenarios or tasks).
 */
export function exportEnsemble(
  members: readonly (Uint8Array | ExportableModel)[],
  options: EnsembleExportOptions = {},
): Uint8Array {
  if (members.length === 0)
    throw new OnnxExportError('INVALID_OPTION', 'an ensemble needs at least one member');
  const weights = normalisedWeights(options.weights, members.length);
  const bytes = members.map((member, i) => {
    if (member instanceof Uint8Array) return member;
    if (!options.metadata) {
      throw new OnnxExportError('INVALID_METADATA', `member ${i} is a model: options.metadata is required`);
    }
    return exportTabularModel(member, options.metadata);
  });
  const featureCounts = new Set<number>();
  const prepared = bytes.map((b, i) => {
    const decoded = decodeOnnxModel(b);
    featureCounts.add(checkMemberContract(decoded, i));
    return prepareMember(decoded, i);
  });
  if (featureCounts.size !== 1) {
    throw new OnnxExportError(
      'INCOMPATIBLE_MEMBERS',
      `members expect different feature counts: ${[...featureCounts].join(', ')}`,
    );
  }
  const featureCount = [...featureCounts][0];
  const meta = resolveMetadata(options.metadata, prepared, featureCount);

  const g = new GraphBuilder({
    name: 'ensemble_classifier',
    opset: TABULAR_ONNX_OPSET,
    docString: `Weighted mean of ${members.length} tabular models' probabilities`,
  });
  const features = g.input(TABULAR_TENSOR_NAMES.input, 'float32', [BATCH_DIM, featureCount]);
  // Placeholders for the members' outputs: declared as inputs so the builder can use them, then replaced
  // by the members' nodes below.
  const scaled = prepared.map((m, i) => {
    const placeholder = g.input(m.probabilities, m.probabilitiesType, [BATCH_DIM, 2]);
    const p64 = m.probabilitiesType === 'float64' ? placeholder : op.cast(g, placeholder, 'float64');
    return op.mul(g, p64, weights[i]);
  });
  appendContractOutputs(g, op.sum(g, scaled, { name: TABULAR_TENSOR_NAMES.probabilitiesFloat64 }));
  const membersJson = JSON.stringify(prepared.map((m, i) => ({ family: m.family, weight: weights[i] })));
  for (const [key, value] of metadataProperties('ensemble', meta, { members: membersJson })) {
    g.setMetadata(key, value);
  }

  const model = g.toModelProto();
  const graph = model.graph as onnx.GraphProto;
  graph.input = graph.input.filter((v) => v.name === features.name);
  graph.node = [...prepared.flatMap((m) => m.nodes), ...graph.node] as onnx.NodeProto[];
  graph.initializer = [
    ...prepared.flatMap((m) => m.initializers),
    ...graph.initializer,
  ] as onnx.TensorProto[];
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Weights normalised to sum 1.
 *
 * @param weights - Caller's weights, or undefined for equal weights.
 * @param count - Number of members.
 * @returns Float64 weights summing to 1.
 * @throws OnnxExportError `INVALID_OPTION` for a wrong count, negative or non-finite weights, or a zero sum.
 */
function normalisedWeights(weights: readonly number[] | undefined, count: number): Float64Array {
  if (weights === undefined) return new Float64Array(count).fill(1 / count);
  if (weights.length !== count) {
    throw new OnnxExportError('INVALID_OPTION', `${weights.length} weights for ${count} members`);
  }
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0 && Number.isFinite(w))) {
      throw new OnnxExportError('INVALID_OPTION', `ensemble weight ${w} must be finite and ≥ 0`);
    }
    total += w;
  }
  if (!(total > 0)) throw new OnnxExportError('INVALID_OPTION', 'ensemble weights sum to 0');
  return Float64Array.from(weights, (w) => w / total);
}

/**
 * Checks that a member graph follows the tabular contract closely enough to be spliced.
 *
 * @param model - Decoded member.
 * @param index - Member position, for messages.
 * @returns Its feature count F.
 * @throws OnnxExportError `UNSUPPORTED_GRAPH`.
 */
function checkMemberContract(model: onnx.ModelProto, index: number): number {
  const fail = (message: string): never => {
    throw new OnnxExportError('UNSUPPORTED_GRAPH', `member ${index}: ${message}`);
  };
  const graph = model.graph as onnx.GraphProto;
  const imports = model.opsetImport.map((o) => `${o.domain || 'ai.onnx'}:${Number(o.version)}`);
  if (imports.length !== 1 || imports[0] !== `ai.onnx:${TABULAR_ONNX_OPSET}`) {
    fail(`opset imports [${imports.join(', ')}], expected only the default domain at ${TABULAR_ONNX_OPSET}`);
  }
  if ((model.functions ?? []).length > 0) fail('model-local functions are not supported');
  if ((graph.sparseInitializer ?? []).length > 0) fail('sparse initializers are not supported');
  for (const node of graph.node) {
    if (node.domain && node.domain !== 'ai.onnx') fail(`node '${node.name}' is in domain '${node.domain}'`);
    if ((node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0)) {
      fail(`node '${node.name}' (${node.opType}) has a subgraph`);
    }
  }
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initializers.has(v.name));
  const inputType = inputs[0]?.type?.tensorType;
  const dims = inputType?.shape?.dim ?? [];
  const featureCount = Number(dims[1]?.dimValue ?? 0);
  const inputOk =
    inputs.length === 1 &&
    inputs[0].name === TABULAR_TENSOR_NAMES.input &&
    inputType?.elemType === 1 &&
    dims.length === 2 &&
    featureCount > 0;
  if (!inputOk) fail(`needs exactly one input '${TABULAR_TENSOR_NAMES.input}' float32 [N, F] with a fixed F`);
  const outputType = graph.output.find((v) => v.name === TABULAR_TENSOR_NAMES.probabilities)?.type
    ?.tensorType;
  const outDims = outputType?.shape?.dim ?? [];
  if (outputType?.elemType !== 1 || outDims.length !== 2 || Number(outDims[1].dimValue) !== 2) {
    fail(`needs an output '${TABULAR_TENSOR_NAMES.probabilities}' float32 [N, 2]`);
  }
  return featureCount;
}

/**
 * The nodes and initializers a member needs for its probabilities, renamed under its prefix.
 *
 * @param model - Decoded, checked member.
 * @param index - Member position.
 * @returns The prepared member.
 */
function prepareMember(model: onnx.ModelProto, index: number): PreparedMember {
  const graph = model.graph as onnx.GraphProto;
  const prefix = memberPrefix(index);
  const rename = (name: string) =>
    name === '' || name === TABULAR_TENSOR_NAMES.input ? name : prefix + name;
  const hasFloat64 = graph.node.some((n) =>
    (n.output ?? []).includes(TABULAR_TENSOR_NAMES.probabilitiesFloat64),
  );
  const target = hasFloat64 ? TABULAR_TENSOR_NAMES.probabilitiesFloat64 : TABULAR_TENSOR_NAMES.probabilities;
  const needed = new Set<string>([target]);
  const live: onnx.INodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    for (const input of node.input ?? []) needed.add(input);
    live.push(node);
  }
  live.reverse();
  const nodes = live.map((node, i) => ({
    ...node,
    name: prefix + (node.name || `node${i}`),
    input: (node.input ?? []).map(rename),
    output: (node.output ?? []).map(rename),
  }));
  const initializers = graph.initializer
    .filter((t) => needed.has(t.name ?? ''))
    .map((t) => ({ ...t, name: rename(t.name ?? '') }));
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps) metadata[p.key ?? ''] = p.value ?? '';
  return {
    family: metadata[ONNX_METADATA_KEYS.family] ?? 'unknown',
    metadata,
    nodes,
    initializers,
    probabilities: rename(target),
    probabilitiesType: hasFloat64 ? 'float64' : 'float32',
  };
}

/**
 * The ensemble's metadata: the caller's (checked against the members'), or the members' common values.
 *
 * @param given - Caller's metadata, if any.
 * @param members - Prepared members.
 * @param featureCount - F.
 * @returns Checked metadata.
 * @throws OnnxExportError `INVALID_METADATA` when neither source gives complete metadata,
 *   `INCOMPATIBLE_MEMBERS` when members disagree with each other or with the caller.
 */
function resolveMetadata(
  given: OnnxExportMetadata | undefined,
  members: readonly PreparedMember[],
  featureCount: number,
): OnnxExportMetadata {
  const k = ONNX_METADATA_KEYS;
  const common = (key: string): string | undefined => {
    const values = new Set(members.map((m) => m.metadata[key]).filter((v) => v !== undefined));
    if (values.size > 1) {
      throw new OnnxExportError(
        'INCOMPATIBLE_MEMBERS',
        `members differ in ${key}: ${[...values].join(' vs ')}`,
      );
    }
    return [...values][0];
  };
  const scenario = common(k.scenario);
  const featureSchemaHash = common(k.featureSchemaHash);
  const featureNamesJson = common(k.featureNames);
  const task = common(k.task);
  let meta: OnnxExportMetadata;
  if (given) {
    const clash = (key: string, member: string | undefined, wanted: string | undefined) => {
      if (member !== undefined && wanted !== undefined && member !== wanted) {
        throw new OnnxExportError(
          'INCOMPATIBLE_MEMBERS',
          `members have ${key} '${member}', metadata says '${wanted}'`,
        );
      }
    };
    clash(k.scenario, scenario, given.scenario);
    clash(k.featureSchemaHash, featureSchemaHash, given.featureSchemaHash);
    clash(k.featureNames, featureNamesJson, JSON.stringify(given.featureNames));
    clash(k.task, task, given.task);
    meta = given;
  } else {
    if (scenario === undefined || featureSchemaHash === undefined || featureNamesJson === undefined) {
      throw new OnnxExportError(
        'INVALID_METADATA',
        'members do not all carry scenario, feature_schema_hash and feature_names: pass options.metadata',
      );
    }
    let featureNames: unknown;
    try {
      featureNames = JSON.parse(featureNamesJson);
    } catch {
      featureNames = undefined;
    }
    if (!Array.isArray(featureNames)) {
      throw new OnnxExportError('INVALID_METADATA', `members' feature_names is not a JSON array`);
    }
    meta = { scenario, featureSchemaHash, featureNames: featureNames as string[], ...(task ? { task } : {}) };
  }
  checkExportMetadata(meta, featureCount);
  return meta;
}
