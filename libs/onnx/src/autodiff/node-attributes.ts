import { OnnxGraphError } from '../errors';
import type { GraphBuilder, GraphNode } from '../graph-builder';

/**
 * An integer attribute of a node.
 *
 * @param node - Node.
 * @param name - Attribute name.
 * @param fallback - ONNX default when absent.
 * @returns The value.
 */
export function intAttribute(node: GraphNode, name: string, fallback: number): number {
  const value = node.attributes[name];
  return value && 'int' in value ? value.int : fallback;
}

/**
 * The static axes of a reduction-like node, read from its `axes` input (an initializer) or attribute.
 *
 * @param g - Graph holding the node.
 * @param node - Node whose second input or `axes` attribute lists axes.
 * @param rank - Rank of the node's first input, to normalise negative axes.
 * @returns Sorted non-negative axes, or undefined when the node names none (reduce over all).
 * @throws OnnxGraphError `NO_GRADIENT_RULE` when the axes are computed at run time.
 */
export function staticAxes(g: GraphBuilder, node: GraphNode, rank: number): number[] | undefined {
  const input = node.inputs[1];
  let axes: number[] | undefined;
  if (input) {
    const data = g.initializerData(input);
    if (!(data instanceof BigInt64Array)) {
      throw new OnnxGraphError(
        'NO_GRADIENT_RULE',
        `${node.opType} '${node.name}': axes must be a constant for autodiff`,
      );
    }
    axes = Array.from(data, Number);
  } else {
    const value = node.attributes.axes;
    if (value && 'ints' in value) axes = [...value.ints];
  }
  if (axes === undefined || axes.length === 0) return undefined;
  return axes.map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
}
