/**
 * Copying one ONNX graph into another: the live part of a source graph (the nodes a set of tensors needs),
 * its names prefixed so two copies never collide, its inputs wired to tensors of the host graph.
 */
import { onnx } from 'onnx-proto';
import { RoiError } from './errors';

/** A source graph's nodes and initializers, renamed, ready to be inserted into a host graph. */
export interface SplicedGraph {
  readonly nodes: onnx.INodeProto[];
  readonly initializers: onnx.ITensorProto[];
  /** Source tensor name → name in the host graph. */
  readonly rename: (name: string) => string;
}

/**
 * Decodes ONNX bytes.
 *
 * @param bytes - A serialised ModelProto.
 * @param what - What the bytes are, for messages.
 * @returns The model.
 * @throws RoiError `UNSUPPORTED_BACKBONE` for bytes that are not a model with a graph.
 */
export function decodeModel(bytes: Uint8Array, what: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new RoiError('UNSUPPORTED_BACKBONE', `${what} is not an ONNX model: ${(error as Error).message}`);
  }
  if (!model.graph) throw new RoiError('UNSUPPORTED_BACKBONE', `${what} has no graph`);
  return model;
}

/**
 * The nodes and initializers of `model` needed to compute `targets`, every name prefixed with `prefix`
 * except the graph inputs named in `inputs`, which are renamed to the host's tensors.
 *
 * @param model - Source model (not modified).
 * @param prefix - Name prefix, e.g. `backbone/` (GraphBuilder never generates a `/`, so no clash).
 * @param inputs - Source graph input → host tensor name.
 * @param targets - Source tensors the host needs.
 * @returns The renamed nodes (in source order) and initializers.
 * @throws RoiError `UNSUPPORTED_BACKBONE` when a needed node has a subgraph or sits outside the default
 *   domain, or a needed tensor is produced by nothing (an unmapped input).
 */
export function spliceGraph(
  model: onnx.ModelProto,
  prefix: string,
  inputs: ReadonlyMap<string, string>,
  targets: readonly string[],
): SplicedGraph {
  const graph = model.graph as onnx.GraphProto;
  const rename = (name: string) => (name === '' ? '' : (inputs.get(name) ?? prefix + name));
  const initializerNames = new Set(graph.initializer.map((t) => t.name ?? ''));
  const needed = new Set<string>(targets);
  const live: onnx.INodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    if ((node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0))
      throw new RoiError('UNSUPPORTED_BACKBONE', `node '${node.name}' (${node.opType}) has a subgraph`);
    if (node.domain && node.domain !== 'ai.onnx')
      throw new RoiError('UNSUPPORTED_BACKBONE', `node '${node.name}' is in domain '${node.domain}'`);
    for (const input of node.input ?? []) needed.add(input);
    live.push(node);
  }
  live.reverse();
  const produced = new Set(live.flatMap((n) => n.output ?? []));
  for (const name of needed) {
    if (name !== '' && !produced.has(name) && !initializerNames.has(name) && !inputs.has(name))
      throw new RoiError('UNSUPPORTED_BACKBONE', `tensor '${name}' is needed but neither computed nor fed`);
  }
  const nodes = live.map((node, i) => ({
    ...node,
    name: prefix + (node.name || `node${i}`),
    input: (node.input ?? []).map(rename),
    output: (node.output ?? []).map(rename),
  }));
  const initializers = graph.initializer
    .filter((t) => needed.has(t.name ?? ''))
    .map((t) => ({ ...t, name: rename(t.name ?? '') }));
  return { nodes, initializers, rename };
}

/**
 * Replaces placeholder inputs of a host model (built with GraphBuilder, the spliced tensors declared as
 * inputs so its ops could use them) by the spliced nodes.
 *
 * @param host - Host model (modified and returned).
 * @param parts - Spliced graphs, each inserted after the host's first `after` nodes (the nodes that compute
 *   their inputs), in order.
 * @param after - Host nodes that must run before the spliced ones.
 * @param extraOpsets - Further opset imports (other domains of the sources).
 * @returns Serialised model.
 */
export function insertSpliced(
  host: onnx.ModelProto,
  parts: readonly SplicedGraph[],
  after: number,
  extraOpsets: readonly onnx.IOperatorSetIdProto[] = [],
): Uint8Array {
  const graph = host.graph as onnx.GraphProto;
  const produced = new Set(parts.flatMap((p) => p.nodes.flatMap((n) => n.output ?? [])));
  graph.input = graph.input.filter((v) => !produced.has(v.name ?? ''));
  graph.node = [
    ...graph.node.slice(0, after),
    ...parts.flatMap((p) => p.nodes),
    ...graph.node.slice(after),
  ] as onnx.NodeProto[];
  graph.initializer = [...parts.flatMap((p) => p.initializers), ...graph.initializer] as onnx.TensorProto[];
  for (const o of extraOpsets) {
    if (!host.opsetImport.some((h) => (h.domain ?? '') === (o.domain ?? '')))
      host.opsetImport.push(onnx.OperatorSetIdProto.create(o));
  }
  return onnx.ModelProto.encode(host).finish();
}
