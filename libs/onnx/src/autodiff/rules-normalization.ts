import { OnnxGraphError } from '../errors';
import type { GraphBuilder, GraphNode } from '../graph-builder';
import { add, cast, div, mul, neg, reduceSum, reshape, size, sqrt, sub } from '../ops';
import { isStaticShape, staticSize, type TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute, staticAxes } from './node-attributes';

/** The input of a Reshape/Squeeze node, or the tensor itself when something else produced it. */
function throughReshape(g: GraphBuilder, t: TensorRef): TensorRef {
  const node = g.producerOf(t);
  return node && (node.opType === 'Reshape' || node.opType === 'Squeeze') ? node.inputs[0]! : t;
}

/** Whether `t` is ReduceMean(`of`) over every axis of `of` but 1 with keepdims = 1. */
function isChannelMean(g: GraphBuilder, t: TensorRef, of: TensorRef): boolean {
  const node = g.producerOf(t);
  if (node?.opType !== 'ReduceMean' || node.inputs[0] !== of) return false;
  if (intAttribute(node, 'keepdims', 1) !== 1) return false;
  const rank = of.shape.length;
  const axes = staticAxes(g, node, rank);
  const expected = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 1);
  return axes !== undefined && axes.length === expected.length && axes.every((a, i) => a === expected[i]);
}

/**
 * Recognises the construction of `batchNormTraining`: mean = ReduceMean(X) and var = ReduceMean(D·D) with
 * D = X − mean, both over every axis but 1 (kept as size 1, then reshaped to [C]).
 *
 * @returns D when the node's statistics are this batch's statistics of its own input, else undefined.
 */
function batchStatisticsOf(g: GraphBuilder, node: GraphNode): TensorRef | undefined {
  const [x, , , mean, variance] = node.inputs as TensorRef[];
  const meanKept = throughReshape(g, mean);
  const varianceKept = throughReshape(g, variance);
  if (!isChannelMean(g, meanKept, x)) return undefined;
  const squared = g.producerOf(varianceKept)?.inputs[0];
  if (!squared || !isChannelMean(g, varianceKept, squared)) return undefined;
  const squareNode = g.producerOf(squared);
  if (squareNode?.opType !== 'Mul' || squareNode.inputs[0] !== squareNode.inputs[1]) return undefined;
  const centred = squareNode.inputs[0]!;
  const centreNode = g.producerOf(centred);
  if (centreNode?.opType !== 'Sub' || centreNode.inputs[0] !== x || centreNode.inputs[1] !== meanKept) {
    return undefined;
  }
  return centred;
}

/**
 * Y = BatchNormalization(X, γ, β, μ, σ²) (inference form; training_mode = 1 is refused), per channel
 * Y = X̂·γ + β with X̂ = (X − μ)·r, r = 1/√(σ² + ε). Sums Σ run over every axis but 1, m = their count.
 *
 * - dβ = Σ dY, dγ = r·Σ dY·(X − μ).
 * - Given statistics (running averages, or any tensors): dX = dY·γ·r, dμ = −γ·r·Σ dY,
 *   dσ² = −½·γ·r³·Σ dY·(X − μ).
 * - Batch statistics built by `batchNormTraining` (recognised from the graph): the paths through μ and σ²
 *   are folded into dX = γ·r·(dY − Σ dY/m − (X − μ)·r²·Σ dY·(X − μ)/m), and no gradient is sent to μ, σ²
 *   from this node (their other uses, if any, still propagate).
 */
const batchNormRule: GradientRule = (g, node, [dY], wanted) => {
  if (!dY) return node.inputs.map(() => undefined);
  if (intAttribute(node, 'training_mode', 0) !== 0) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `BatchNormalization '${node.name}': training_mode = 1 has no rule; build batch statistics with batchNormTraining`,
    );
  }
  const [x, scale, , mean, variance] = node.inputs as TensorRef[];
  const epsilonValue = node.attributes.epsilon;
  const epsilon = epsilonValue && 'float' in epsilonValue ? epsilonValue.float : 1e-5;
  const rank = x.shape.length;
  const axes = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 1);
  const perChannel = (t: TensorRef) => reshape(g, t, [1, -1, ...new Array<number>(rank - 2).fill(1)]);

  const centredFromStats = batchStatisticsOf(g, node);
  const invStd = div(g, 1, sqrt(g, add(g, variance, epsilon)));
  const gain = mul(g, scale, invStd);
  const centred = () => centredFromStats ?? sub(g, x, perChannel(mean));
  const needsSumDy = wanted[2] || wanted[3] || (wanted[0] && centredFromStats !== undefined);
  const needsSumDyCentred = wanted[1] || wanted[4] || (wanted[0] && centredFromStats !== undefined);
  const d = needsSumDyCentred ? centred() : undefined;
  const sumDy = needsSumDy ? reduceSum(g, dY, axes, { keepdims: false }) : undefined;
  const sumDyCentred = d ? reduceSum(g, mul(g, dY, d), axes, { keepdims: false }) : undefined;

  let dX: TensorRef | undefined;
  if (wanted[0] && centredFromStats && sumDy && sumDyCentred && d) {
    const count = isStaticShape(x.shape)
      ? staticSize(x.shape) / (x.shape[1] as number)
      : cast(g, div(g, size(g, x), size(g, mean)), x.dtype);
    const meanDy = div(g, sumDy, count);
    const meanDyCentred = div(g, sumDyCentred, count);
    const shift = perChannel(mul(g, gain, meanDy));
    const slope = perChannel(mul(g, mul(g, gain, mul(g, invStd, invStd)), meanDyCentred));
    dX = sub(g, sub(g, mul(g, dY, perChannel(gain)), shift), mul(g, d, slope));
  } else if (wanted[0]) {
    dX = mul(g, dY, perChannel(gain));
  }
  const dScale = wanted[1] && sumDyCentred ? mul(g, sumDyCentred, invStd) : undefined;
  const dBias = wanted[2] ? sumDy : undefined;
  let dMean: TensorRef | undefined;
  let dVariance: TensorRef | undefined;
  if (!centredFromStats) {
    if (wanted[3] && sumDy) dMean = neg(g, mul(g, sumDy, gain));
    if (wanted[4] && sumDyCentred) {
      const cube = mul(g, invStd, mul(g, invStd, invStd));
      dVariance = mul(g, sumDyCentred, mul(g, mul(g, scale, cube), -0.5));
    }
  }
  return [dX, dScale, dBias, dMean, dVariance];
};

/** Gradient rule of BatchNormalization. */
export const NORMALIZATION_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['BatchNormalization', batchNormRule],
]);
