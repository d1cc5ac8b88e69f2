import type { GraphNode } from '../graph-builder';
import { gemm, matMul, mul, transpose } from '../ops';
import type { TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute } from './node-attributes';
import { unbroadcast } from './unbroadcast';

/** Swaps the last two axes (the batched matrix transpose). */
function swapLast(g: Parameters<GradientRule>[0], x: TensorRef): TensorRef {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(g, x, perm);
}

/**
 * Y = A·B: dA = dY·Bᵀ, dB = Aᵀ·dY (batched: transpose the last two axes, then sum over broadcast batch
 * axes). 2-D operands use Gemm's transpose flags instead of Transpose nodes.
 */
const matMulRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b] = node.inputs as TensorRef[];
  if (!dY) return [undefined, undefined];
  if (a.shape.length === 2 && b.shape.length === 2) {
    return [
      wanted[0] ? gemm(g, dY, b, null, { transB: true }) : undefined,
      wanted[1] ? gemm(g, a, dY, null, { transA: true }) : undefined,
    ];
  }
  return [
    wanted[0] ? unbroadcast(g, matMul(g, dY, swapLast(g, b)), a) : undefined,
    wanted[1] ? unbroadcast(g, matMul(g, swapLast(g, a), dY), b) : undefined,
  ];
};

function floatAttribute(node: GraphNode, name: string, fallback: number): number {
  const value = node.attributes[name];
  return value && 'float' in value ? value.float : fallback;
}

/**
 * Y = α·A'·B' + β·C with A' = op(A), B' = op(B):
 * dA' = α·dY·B'ᵀ, dB' = α·A'ᵀ·dY, dC = β·dY summed over C's broadcast axes; each written as one Gemm
 * whose transpose flags undo op(·).
 */
const gemmRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b, c] = node.inputs;
  if (!dY || !a || !b) return [undefined, undefined, undefined];
  const alpha = floatAttribute(node, 'alpha', 1);
  const beta = floatAttribute(node, 'beta', 1);
  const transA = intAttribute(node, 'transA', 0) !== 0;
  const transB = intAttribute(node, 'transB', 0) !== 0;
  let dA: TensorRef | undefined;
  let dB: TensorRef | undefined;
  let dC: TensorRef | undefined;
  if (wanted[0]) {
    dA = transA
      ? gemm(g, b, dY, null, { alpha, transA: transB, transB: true })
      : gemm(g, dY, b, null, { alpha, transB: !transB });
  }
  if (wanted[1]) {
    dB = transB
      ? gemm(g, dY, a, null, { alpha, transA: true, transB: transA })
      : gemm(g, a, dY, null, { alpha, transA: !transA });
  }
  if (wanted[2] && c) dC = unbroadcast(g, beta === 1 ? dY : mul(g, dY, beta), c);
  return [dA, dB, dC];
};

/** Gradient rules of MatMul and Gemm. */
export const LINEAR_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['MatMul', matMulRule],
  ['Gemm', gemmRule],
]);
