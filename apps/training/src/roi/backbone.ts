/**
 * A frozen image backbone: any ONNX graph with one image input `[N, C, H, W]` (C = 1 or 3) and a named
 * embedding output `[N, D]` that is the global average pool of feature maps `[N, D, h, w]` — our own CNN's
 * export, or e.g. an ImageNet ResNet cut at its pooling layer. The ROI (one channel) is repeated to C channels
 * inside the graph.
 */
import { createSession, type ExecutionProviderName, GraphBuilder, op, Tensor } from '@calcscope/onnx';
import type { onnx } from 'onnx-proto';
import { RoiError } from './errors';
import { decodeModel, insertSpliced, type SplicedGraph, spliceGraph } from './graph-splice';

/** Names of the ROI models' tensors (ARCHITECTURE.md, "DCIS/IDC model"). */
export const ROI_TENSORS = {
  roi: 'roi',
  clinical: 'clinical',
  probabilities: 'probabilities',
  cam: 'cam',
  embedding: 'embedding',
  label: 'label',
} as const;

/** Prefix of the backbone's tensors inside a merged graph. */
export const BACKBONE_PREFIX = 'backbone/';

/** What a backbone offers. */
export interface BackboneInfo {
  /** Its image input. */
  readonly inputName: string;
  /** Input channels (1 or 3). */
  readonly channels: number;
  /** Fixed input side in pixels, or null when the spatial axes are symbolic. */
  readonly inputSize: number | null;
  /** Embedding output `[N, D]`. */
  readonly embeddingName: string;
  readonly embeddingSize: number;
  /** The feature maps `[N, D, h, w]` the embedding averages. */
  readonly featureMapsName: string;
  /** Default-domain opset (13–21). */
  readonly opset: number;
  /** Opset imports of other domains, kept in merged graphs. */
  readonly otherOpsets: readonly onnx.IOperatorSetIdProto[];
}

/** A backbone's bytes with what was read from them. */
export interface Backbone {
  readonly bytes: Uint8Array;
  readonly info: BackboneInfo;
}

const FLOAT = 1;
const PASS_THROUGH = new Set(['Reshape', 'Flatten', 'Squeeze', 'Identity']);

/**
 * Reads and checks a backbone.
 *
 * @param bytes - ONNX model bytes.
 * @param embeddingOutput - Name of its embedding output (our CNN: 'embedding').
 * @returns The backbone.
 * @throws RoiError `UNSUPPORTED_BACKBONE` when the graph has not exactly one float32 `[N, 1|3, H, W]` input
 *   with a dynamic batch axis and H = W (or symbolic), no float32 `[N, D]` output of that name, an embedding
 *   that is not a global average pool (GlobalAveragePool, or ReduceMean over axes 2 and 3, possibly followed by
 *   Reshape/Flatten/Squeeze/Identity) of feature maps, or a default-domain opset outside 13–21.
 */
export function inspectBackbone(bytes: Uint8Array, embeddingOutput: string): Backbone {
  const model = decodeModel(bytes, 'the backbone');
  const graph = model.graph as onnx.GraphProto;
  const fail = (message: string): never => {
    throw new RoiError('UNSUPPORTED_BACKBONE', `backbone: ${message}`);
  };
  const opset = Number(
    model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0,
  );
  if (!(opset >= 13 && opset <= 21)) fail(`default-domain opset ${opset} is outside 13–21`);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initializers.has(v.name));
  if (inputs.length !== 1) fail(`needs exactly one image input, has ${inputs.length}`);
  const input = inputs[0];
  const type = input.type?.tensorType;
  const dims = type?.shape?.dim ?? [];
  const fixed = (d: onnx.TensorShapeProto.IDimension) =>
    d.dimParam ? null : Number(d.dimValue ?? 0) || null;
  const channels = dims.length === 4 ? fixed(dims[1]) : null;
  if (type?.elemType !== FLOAT || dims.length !== 4 || (channels !== 1 && channels !== 3))
    fail(`input '${input.name}' must be float32 [N, 1 or 3, H, W]`);
  if (fixed(dims[0]) !== null) fail(`input '${input.name}' needs a dynamic batch axis`);
  const height = fixed(dims[2]);
  const width = fixed(dims[3]);
  if (height !== width) fail(`input '${input.name}' must be square (H = W) or have symbolic H and W`);
  const output = graph.output.find((v) => v.name === embeddingOutput);
  if (!output)
    fail(`has no output '${embeddingOutput}' (outputs: ${graph.output.map((v) => v.name).join(', ')})`);
  const outType = output?.type?.tensorType;
  const outDims = outType?.shape?.dim ?? [];
  const embeddingSize = outDims.length === 2 ? fixed(outDims[1]) : null;
  if (outType?.elemType !== FLOAT || embeddingSize === null)
    fail(`output '${embeddingOutput}' must be float32 [N, D] with a fixed D`);
  const domainOpsets = model.opsetImport.filter((o) => (o.domain ?? '') !== '' && o.domain !== 'ai.onnx');
  return {
    bytes,
    info: {
      inputName: input.name ?? '',
      channels: channels as number,
      inputSize: height,
      embeddingName: embeddingOutput,
      embeddingSize: embeddingSize as number,
      featureMapsName: traceFeatureMaps(graph, embeddingOutput),
      opset,
      otherOpsets: domainOpsets,
    },
  };
}

/**
 * The feature maps an embedding averages: walks back from the embedding through Reshape, Flatten, Squeeze and
 * Identity to a GlobalAveragePool (or a ReduceMean over axes 2 and 3) and returns its input.
 *
 * @param graph - Backbone graph.
 * @param embedding - Embedding tensor name.
 * @returns The feature maps' tensor name.
 * @throws RoiError `UNSUPPORTED_BACKBONE` when the chain is different.
 */
export function traceFeatureMaps(graph: onnx.IGraphProto, embedding: string): string {
  const producer = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) producer.set(o, node);
  const initializer = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  let name = embedding;
  for (let step = 0; step < 16; step++) {
    const node = producer.get(name);
    if (!node) break;
    const input = (node.input ?? [])[0] ?? '';
    if (PASS_THROUGH.has(node.opType ?? '')) {
      name = input;
      continue;
    }
    if (node.opType === 'GlobalAveragePool') return input;
    if (node.opType === 'ReduceMean') {
      const attribute = (node.attribute ?? []).find((a) => a.name === 'axes');
      const axesTensor = initializer.get((node.input ?? [])[1] ?? '');
      const axes = attribute
        ? (attribute.ints ?? []).map(Number)
        : axesTensor
          ? Array.from(axesTensor.int64Data ?? [], Number).concat(rawInt64(axesTensor))
          : [];
      const sorted = axes.map((a) => (a < 0 ? a + 4 : a)).sort();
      if (sorted.length === 2 && sorted[0] === 2 && sorted[1] === 3) return input;
    }
    break;
  }
  throw new RoiError(
    'UNSUPPORTED_BACKBONE',
    `backbone: embedding '${embedding}' is not a global average pool of feature maps [N, D, h, w] (needed for the class activation map)`,
  );
}

function rawInt64(tensor: onnx.ITensorProto): number[] {
  const raw = tensor.rawData;
  if (!raw || raw.length === 0) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
}

/**
 * The ROI side a backbone needs: its fixed input size, else the requested one.
 *
 * @param backbone - The backbone.
 * @param requested - ROI samples per side otherwise.
 * @returns Samples per side.
 */
export function backbonePixels(backbone: Backbone, requested: number): number {
  return backbone.info.inputSize ?? requested;
}

/** A host graph with the `roi` input wired into a spliced backbone. */
export interface BackboneHost {
  readonly g: GraphBuilder;
  readonly roi: ReturnType<GraphBuilder['input']>;
  /** Placeholders of the backbone's embedding `[N, D]` and feature maps `[N, D, fh, fw]`. */
  readonly embedding: ReturnType<GraphBuilder['input']>;
  readonly featureMaps: ReturnType<GraphBuilder['input']>;
  readonly spliced: SplicedGraph;
  /** Host nodes that must run before the backbone (the channel repeat). */
  readonly before: number;
}

/**
 * Starts a graph whose `roi` float32 `[N, 1, P, P]` input feeds the backbone (repeated to 3 channels when it
 * has 3), with placeholders for its embedding and feature maps; finish with `finishBackboneHost`.
 *
 * @param backbone - The backbone.
 * @param pixels - P.
 * @param name - Graph name.
 * @returns The host.
 */
export function startBackboneHost(backbone: Backbone, pixels: number, name: string): BackboneHost {
  const info = backbone.info;
  const g = new GraphBuilder({ name, opset: info.opset });
  const roi = g.input(ROI_TENSORS.roi, 'float32', ['N', 1, pixels, pixels]);
  const image = info.channels === 1 ? roi : op.concat(g, Array(info.channels).fill(roi), 1);
  const before = g.nodes.length;
  const spliced = spliceGraph(
    decodeModel(backbone.bytes, 'the backbone'),
    BACKBONE_PREFIX,
    new Map([[info.inputName, image.name]]),
    [info.embeddingName, info.featureMapsName],
  );
  const d = info.embeddingSize;
  const embedding = g.input(spliced.rename(info.embeddingName), 'float32', ['N', d]);
  const featureMaps = g.input(spliced.rename(info.featureMapsName), 'float32', ['N', d, 'fh', 'fw']);
  return { g, roi, embedding, featureMaps, spliced, before };
}

/**
 * Serialises a host graph with the backbone's nodes in place of its placeholders.
 *
 * @param host - The host (outputs declared).
 * @param backbone - The same backbone.
 * @returns ONNX bytes.
 */
export function finishBackboneHost(host: BackboneHost, backbone: Backbone): Uint8Array {
  return insertSpliced(host.g.toModelProto(), [host.spliced], host.before, backbone.info.otherOpsets);
}

/**
 * The feature extractor: `roi` `[N, 1, P, P]` → `embedding` `[N, D]`.
 *
 * @param backbone - The backbone.
 * @param pixels - P.
 * @returns ONNX bytes.
 */
export function buildEmbeddingModel(backbone: Backbone, pixels: number): Uint8Array {
  const host = startBackboneHost(backbone, pixels, 'roi_embedding');
  host.g.output(host.embedding, ROI_TENSORS.embedding);
  return finishBackboneHost(host, backbone);
}

/** Options of `runRoiModel`. */
export interface RunRoiModelOptions {
  /** `[n, C]` clinical rows for a model with a `clinical` input. */
  readonly clinical?: { readonly data: Float32Array; readonly columns: number };
  /** ROIs per session.run (default 64). */
  readonly batch?: number;
  readonly providers?: readonly ExecutionProviderName[];
}

/**
 * Runs an ROI model with onnxruntime (1 intra-op thread) over all ROIs, batch by batch.
 *
 * @param bytes - ONNX model with input `roi` (and `clinical` when given).
 * @param images - `[n, 1, P, P]` ROIs.
 * @param pixels - P.
 * @param outputs - Output names to collect.
 * @param options - Clinical rows, batch size, providers.
 * @returns Each output's values for all n rows, concatenated along the batch axis, with its per-row shape.
 * @throws RoiError `INVALID_DATA` when the ROI or clinical arrays do not hold whole rows.
 */
export async function runRoiModel(
  bytes: Uint8Array,
  images: Float32Array,
  pixels: number,
  outputs: readonly string[],
  options: RunRoiModelOptions = {},
): Promise<Record<string, { data: Float32Array; rowShape: number[] }>> {
  const area = pixels * pixels;
  const n = images.length / area;
  if (!Number.isInteger(n) || n < 1) throw new RoiError('INVALID_DATA', `ROIs must be n × ${pixels}²`);
  const clinical = options.clinical;
  if (clinical && clinical.data.length !== n * clinical.columns)
    throw new RoiError('INVALID_DATA', `clinical rows must be ${n} × ${clinical.columns}`);
  const batch = options.batch ?? 64;
  const { session } = await createSession(bytes, { providers: options.providers, intraOpNumThreads: 1 });
  const parts: Record<string, Float32Array[]> = {};
  const shapes: Record<string, number[]> = {};
  try {
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      const feeds: Record<string, Tensor> = {
        [ROI_TENSORS.roi]: new Tensor('float32', images.subarray(start * area, (start + rows) * area), [
          rows,
          1,
          pixels,
          pixels,
        ]),
      };
      if (clinical)
        feeds[ROI_TENSORS.clinical] = new Tensor(
          'float32',
          clinical.data.subarray(start * clinical.columns, (start + rows) * clinical.columns),
          [rows, clinical.columns],
        );
      const result = await session.run(feeds);
      for (const name of outputs) {
        const tensor = result[name];
        (parts[name] ??= []).push(tensor.data as Float32Array);
        shapes[name] = tensor.dims.slice(1).map(Number);
      }
    }
  } finally {
    await session.release();
  }
  const out: Record<string, { data: Float32Array; rowShape: number[] }> = {};
  for (const name of outputs) {
    const total = parts[name].reduce((s, p) => s + p.length, 0);
    const data = new Float32Array(total);
    let offset = 0;
    for (const p of parts[name]) {
      data.set(p, offset);
      offset += p.length;
    }
    out[name] = { data, rowShape: shapes[name] };
  }
  return out;
}

/**
 * Embeddings of ROIs through a backbone.
 *
 * @param backbone - The backbone.
 * @param images - `[n, 1, P, P]`.
 * @param pixels - P.
 * @returns `[n, D]` embeddings.
 */
export async function computeEmbeddings(
  backbone: Backbone,
  images: Float32Array,
  pixels: number,
): Promise<Float32Array> {
  const out = await runRoiModel(buildEmbeddingModel(backbone, pixels), images, pixels, [
    ROI_TENSORS.embedding,
  ]);
  return out[ROI_TENSORS.embedding].data;
}
