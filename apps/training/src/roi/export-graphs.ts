/**
 * The exported ROI models as single ONNX graphs (opset of the backbone, 17 for ours; standard ops):
 * - a head model: `roi` [N, 1, P, P] (+ `clinical` [N, C]) → backbone → `probabilities` [N, 2], `cam` [N, P, P],
 *   `embedding` [N, D]; or, without a backbone (the clinical model), `clinical` → `probabilities`, `label`;
 * - an ensemble of ROI models: the mean of their probabilities and CAMs, their embeddings side by side.
 */
import { GraphBuilder, op, type TensorRef } from '@calcscope/onnx';
import type { onnx } from 'onnx-proto';
import { type Backbone, finishBackboneHost, ROI_TENSORS, startBackboneHost } from './backbone';
import { RoiError } from './errors';
import { decodeModel, insertSpliced, spliceGraph } from './graph-splice';
import type { LinearHead } from './heads';

/**
 * The head's class activation map weights: with the backbone's feature maps F [D, h, w] (whose grid mean is the
 * embedding), `cam(y, x) = Σ_c weight[c]·F[c, y, x] + offset` where weight[c] = Σ over the head's columns j on
 * channel c of wⱼ/scaleⱼ and offset = bias − Σⱼ wⱼ·meanⱼ/scaleⱼ (embedding columns only). Its grid mean is the
 * head's log-odds minus the clinical columns' contribution (the whole log-odds for the deep model).
 *
 * @param head - The head.
 * @param channels - D.
 * @returns `weight` [D] (float64) and `offset`.
 */
export function headCamWeights(head: LinearHead, channels: number): { weight: Float64Array; offset: number } {
  const weight = new Float64Array(channels);
  let offset = head.bias;
  head.embeddingColumns.forEach((c, j) => {
    weight[c] += head.weights[j] / head.scale[j];
    offset -= (head.weights[j] * head.mean[j]) / head.scale[j];
  });
  return { weight, offset };
}

/** What `buildHeadModel` needs. */
export interface HeadModelOptions {
  /** The frozen backbone (null for the clinical model). */
  readonly backbone: Backbone | null;
  /** ROI samples per side (the backbone's input size when it fixes one). */
  readonly pixels: number;
  readonly head: LinearHead;
  /** Columns of the `clinical` input (all clinical variables; the head gathers the ones it uses). */
  readonly clinicalWidth: number;
  /** Graph name, e.g. 'dcis_idc_deep'. */
  readonly name: string;
  /** `metadata_props`. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Builds a head model (see the module comment). The head runs in float64 (Cast after Gather):
 * t = bias + Σⱼ wⱼ·(xⱼ − meanⱼ)/scaleⱼ, probabilities = [σ(−t), σ(t)] cast to float32. The CAM (with a backbone)
 * is `headCamWeights` applied to the feature maps (Mul + ReduceSum over channels, float32), resized to P × P
 * (bilinear, half-pixel). A `clinical` input exists only when the head uses clinical columns.
 *
 * @param options - Backbone, head, sizes, name, metadata.
 * @returns ONNX bytes.
 * @throws RoiError `INVALID_DATA` for a head without columns, or with embedding columns but no backbone.
 */
export function buildHeadModel(options: HeadModelOptions): Uint8Array {
  const { backbone, head, pixels } = options;
  if (head.weights.length === 0) throw new RoiError('INVALID_DATA', 'the head has no non-zero coefficient');
  if (!backbone && head.embeddingColumns.length > 0)
    throw new RoiError('INVALID_DATA', 'a head on embedding channels needs a backbone');
  const host = backbone ? startBackboneHost(backbone, pixels, options.name) : null;
  const g = host ? host.g : new GraphBuilder({ name: options.name, opset: 17 });
  const clinical =
    head.clinicalColumns.length > 0
      ? g.input(ROI_TENSORS.clinical, 'float32', ['N', options.clinicalWidth])
      : null;
  const e = head.embeddingColumns.length;
  const parts: TensorRef[] = [];
  if (host && e > 0) parts.push(linearPart(g, host.embedding, head, 0, head.embeddingColumns, 'deep'));
  if (clinical) parts.push(linearPart(g, clinical, head, e, head.clinicalColumns, 'clinical'));
  const sum = parts.length === 1 ? parts[0] : op.add(g, parts[0], parts[1]);
  const logit = op.add(g, sum, g.scalar(head.bias, 'float64'));
  const p64 = op.concat(g, [op.sigmoid(g, op.neg(g, logit)), op.sigmoid(g, logit)], 1);
  g.output(op.cast(g, p64, 'float32', { name: ROI_TENSORS.probabilities }));
  if (host) {
    g.output(camOf(g, host.featureMaps, head, backbone as Backbone, pixels), ROI_TENSORS.cam);
    g.output(host.embedding, ROI_TENSORS.embedding);
  } else {
    g.output(op.argMax(g, p64, 1, { keepdims: false, name: ROI_TENSORS.label }));
  }
  for (const [key, value] of Object.entries(options.metadata)) g.setMetadata(key, value);
  return host ? finishBackboneHost(host, backbone as Backbone) : g.toBytes();
}

/** Σⱼ wⱼ·(x[columns[j]] − meanⱼ)/scaleⱼ in float64, [N, 1]; head arrays read from `first`. */
function linearPart(
  g: GraphBuilder,
  x: TensorRef,
  head: LinearHead,
  first: number,
  columns: readonly number[],
  stem: string,
): TensorRef {
  const k = columns.length;
  const picked = op.gather(g, x, g.int64Vector(columns, `${stem}_columns`), 1);
  const mean = g.initializer(`${stem}_mean`, head.mean.slice(first, first + k), [1, k]);
  const scale = g.initializer(`${stem}_scale`, head.scale.slice(first, first + k), [1, k]);
  const weights = g.initializer(`${stem}_weights`, head.weights.slice(first, first + k), [k, 1]);
  const z = op.div(g, op.sub(g, op.cast(g, picked, 'float64'), mean), scale);
  return op.matMul(g, z, weights);
}

/** The head's CAM on the backbone's feature maps, resized to the ROI: [N, P, P]. */
function camOf(
  g: GraphBuilder,
  featureMaps: TensorRef,
  head: LinearHead,
  backbone: Backbone,
  pixels: number,
): TensorRef {
  const d = backbone.info.embeddingSize;
  const { weight, offset } = headCamWeights(head, d);
  const w = g.initializer('cam_weight', Float32Array.from(weight), [1, d, 1, 1]);
  const weighted = op.reduceSum(g, op.mul(g, featureMaps, w), [1], { keepdims: true });
  const map = op.add(g, weighted, g.scalar(offset, 'float32'));
  return op.squeeze(g, op.resize(g, map, [pixels, pixels], { mode: 'linear' }), [1]);
}

/**
 * One graph for an ensemble of ROI models (each `roi` [N, 1, P, P] → `probabilities` [N, 2], `cam` [N, P, P],
 * `embedding` [N, Dᵢ]): `probabilities` = mean of the members' probabilities, `cam` = mean of their CAMs (so it
 * explains the mean member log-odds), `embedding` = the members' embeddings side by side [N, ΣDᵢ]. Members are
 * copied in with their names prefixed `member<i>/`, all reading the one `roi` input.
 *
 * @param members - Member ONNX bytes (e.g. `CnnModel.toOnnx()`).
 * @param pixels - P.
 * @param metadata - `metadata_props`.
 * @returns ONNX bytes.
 * @throws RoiError `INVALID_DATA` for no members; `UNSUPPORTED_BACKBONE` for a member outside the contract.
 */
export function buildRoiEnsembleModel(
  members: readonly Uint8Array[],
  pixels: number,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  if (members.length === 0) throw new RoiError('INVALID_DATA', 'an ensemble needs at least one member');
  const g = new GraphBuilder({ name: 'roi_ensemble', opset: 17 });
  g.input(ROI_TENSORS.roi, 'float32', ['N', 1, pixels, pixels]);
  const outputs = [ROI_TENSORS.probabilities, ROI_TENSORS.cam, ROI_TENSORS.embedding];
  const spliced = members.map((bytes, i) => {
    const model = decodeModel(bytes, `member ${i}`);
    checkMember(model, i, pixels);
    return spliceGraph(model, `member${i}/`, new Map([[ROI_TENSORS.roi, ROI_TENSORS.roi]]), outputs);
  });
  const placeholders = spliced.map((s, i) => {
    const d = embeddingSize(decodeModel(members[i], `member ${i}`));
    return {
      probabilities: g.input(s.rename(ROI_TENSORS.probabilities), 'float32', ['N', 2]),
      cam: g.input(s.rename(ROI_TENSORS.cam), 'float32', ['N', pixels, pixels]),
      embedding: g.input(s.rename(ROI_TENSORS.embedding), 'float32', ['N', d]),
    };
  });
  const k = members.length;
  const mean = (xs: TensorRef[], name: string) =>
    op.mul(g, xs.length === 1 ? op.identity(g, xs[0]) : op.sum(g, xs), g.scalar(1 / k, 'float32'), { name });
  g.output(
    mean(
      placeholders.map((p) => p.probabilities),
      ROI_TENSORS.probabilities,
    ),
  );
  g.output(
    mean(
      placeholders.map((p) => p.cam),
      ROI_TENSORS.cam,
    ),
  );
  g.output(
    op.concat(
      g,
      placeholders.map((p) => p.embedding),
      1,
      { name: ROI_TENSORS.embedding },
    ),
  );
  for (const [key, value] of Object.entries(metadata)) g.setMetadata(key, value);
  return insertSpliced(g.toModelProto(), spliced, 0);
}

function checkMember(model: onnx.ModelProto, index: number, pixels: number): void {
  const graph = model.graph as onnx.GraphProto;
  const names = new Set(graph.output.map((v) => v.name));
  const roi = graph.input.find((v) => v.name === ROI_TENSORS.roi);
  const dims = roi?.type?.tensorType?.shape?.dim ?? [];
  const sizeOk =
    dims.length === 4 && Number(dims[2].dimValue) === pixels && Number(dims[3].dimValue) === pixels;
  if (
    !sizeOk ||
    ![ROI_TENSORS.probabilities, ROI_TENSORS.cam, ROI_TENSORS.embedding].every((n) => names.has(n))
  )
    throw new RoiError(
      'UNSUPPORTED_BACKBONE',
      `member ${index} must map roi [N, 1, ${pixels}, ${pixels}] to probabilities, cam and embedding`,
    );
}

function embeddingSize(model: onnx.ModelProto): number {
  const output = (model.graph as onnx.GraphProto).output.find((v) => v.name === ROI_TENSORS.embedding);
  return Number(output?.type?.tensorType?.shape?.dim?.[1]?.dimValue ?? 0);
}
