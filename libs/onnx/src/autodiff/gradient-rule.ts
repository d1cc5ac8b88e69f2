import type { GraphBuilder, GraphNode } from '../graph-builder';
import type { TensorRef } from '../tensor';

/**
 * The chain rule of one op type, written as graph ops.
 *
 * Given the node, the gradients of the loss with respect to each of its outputs (undefined where an output
 * does not reach the loss: treat it as zero) and which inputs need a gradient, append ops to `g` and return
 * d(loss)/d(input) for each wanted input (undefined for the others). A returned gradient must have the
 * input's element type and a shape equal to the input's at run time (sum over broadcast axes with
 * `unbroadcast`).
 *
 * @param g - The graph being extended.
 * @param node - The forward node.
 * @param outputGrads - One entry per node output.
 * @param wanted - One entry per node input.
 * @returns One entry per node input.
 */
export type GradientRule = (
  g: GraphBuilder,
  node: GraphNode,
  outputGrads: readonly (TensorRef | undefined)[],
  wanted: readonly boolean[],
) => readonly (TensorRef | undefined)[];

/** Gradient rules keyed by ONNX op type. */
export type GradientRuleTable = ReadonlyMap<string, GradientRule>;
