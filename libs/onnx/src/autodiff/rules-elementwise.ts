import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import {
  and,
  cast,
  div,
  greater,
  greaterOrEqual,
  lessOrEqual,
  log,
  mul,
  neg,
  pow,
  sign,
  sub,
  where,
} from '../ops';
import type { TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { unbroadcast } from './unbroadcast';

/** Rule for a one-input op whose gradient is `f(dY, X, Y)`. */
function unaryRule(
  f: (g: GraphBuilder, dY: TensorRef, x: TensorRef, y: TensorRef) => TensorRef,
): GradientRule {
  return (g, node, [dY]) => (dY ? [f(g, dY, node.inputs[0]!, node.outputs[0])] : [undefined]);
}

/** Y = A + B: dA = dY, dB = dY (each summed over its broadcast axes). */
const addRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b] = node.inputs as TensorRef[];
  if (!dY) return [undefined, undefined];
  return [wanted[0] ? unbroadcast(g, dY, a) : undefined, wanted[1] ? unbroadcast(g, dY, b) : undefined];
};

/** Y = A − B: dA = dY, dB = −dY. */
const subRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b] = node.inputs as TensorRef[];
  if (!dY) return [undefined, undefined];
  return [
    wanted[0] ? unbroadcast(g, dY, a) : undefined,
    wanted[1] ? unbroadcast(g, neg(g, dY), b) : undefined,
  ];
};

/** Y = A·B: dA = dY·B, dB = dY·A. */
const mulRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b] = node.inputs as TensorRef[];
  if (!dY) return [undefined, undefined];
  return [
    wanted[0] ? unbroadcast(g, mul(g, dY, b), a) : undefined,
    wanted[1] ? unbroadcast(g, mul(g, dY, a), b) : undefined,
  ];
};

/** Y = A/B: dA = dY/B, dB = −dY·Y/B. */
const divRule: GradientRule = (g, node, [dY], wanted) => {
  const [a, b] = node.inputs as TensorRef[];
  const y = node.outputs[0];
  if (!dY) return [undefined, undefined];
  return [
    wanted[0] ? unbroadcast(g, div(g, dY, b), a) : undefined,
    wanted[1] ? unbroadcast(g, neg(g, div(g, mul(g, dY, y), b)), b) : undefined,
  ];
};

/** Y = X^E: dX = dY·E·X^(E−1), dE = dY·Y·ln X. */
const powRule: GradientRule = (g, node, [dY], wanted) => {
  const [x, e] = node.inputs as TensorRef[];
  const y = node.outputs[0];
  if (!dY) return [undefined, undefined];
  return [
    wanted[0] ? unbroadcast(g, mul(g, dY, mul(g, e, pow(g, x, sub(g, e, 1)))), x) : undefined,
    wanted[1] ? unbroadcast(g, mul(g, dY, mul(g, y, log(g, x))), e) : undefined,
  ];
};

/** Y = Σ Xᵢ: dXᵢ = dY. */
const sumRule: GradientRule = (g, node, [dY], wanted) =>
  node.inputs.map((x, i) => (dY && wanted[i] && x ? unbroadcast(g, dY, x) : undefined));

/** Y = cond ? X : Z: dX = cond ? dY : 0, dZ = cond ? 0 : dY (the condition has no gradient). */
const whereRule: GradientRule = (g, node, [dY], wanted) => {
  const [cond, x, z] = node.inputs as TensorRef[];
  if (!dY) return [undefined, undefined, undefined];
  return [
    undefined,
    wanted[1] ? unbroadcast(g, where(g, cond, dY, 0), x) : undefined,
    wanted[2] ? unbroadcast(g, where(g, cond, 0, dY), z) : undefined,
  ];
};

/** Y = clip(X, lo, hi): dX = dY where lo ≤ X ≤ hi, else 0 (bounds are treated as constants). */
const clipRule: GradientRule = (g, node, [dY], wanted) => {
  const [x, lo, hi] = node.inputs;
  if (wanted[1] || wanted[2]) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      'Clip: gradients with respect to the bounds are not supported',
    );
  }
  if (!dY || !x) return [undefined, undefined, undefined];
  let inside: TensorRef | undefined;
  if (lo) inside = greaterOrEqual(g, x, lo);
  if (hi) {
    const belowHi = lessOrEqual(g, x, hi);
    inside = inside ? and(g, inside, belowHi) : belowHi;
  }
  return [inside ? where(g, inside, dY, 0) : dY, undefined, undefined];
};

/** Y = cast(X) between float types: dX = cast(dY) back to X's type. */
const castRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  if (!dY) return [undefined];
  return [dY.dtype === x.dtype ? dY : cast(g, dY, x.dtype)];
};

/** Y = expand(X, shape): dX = dY summed over the expanded axes. */
const expandRule: GradientRule = (g, node, [dY]) => [
  dY ? unbroadcast(g, dY, node.inputs[0]!) : undefined,
  undefined,
];

/** Gradient rules of the element-wise ops. */
export const ELEMENTWISE_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['Add', addRule],
  ['Sub', subRule],
  ['Mul', mulRule],
  ['Div', divRule],
  ['Pow', powRule],
  ['Sum', sumRule],
  ['Where', whereRule],
  ['Clip', clipRule],
  ['Cast', castRule],
  ['Expand', expandRule],
  ['Identity', unaryRule((_g, dY) => dY)],
  ['Neg', unaryRule((g, dY) => neg(g, dY))],
  ['Exp', unaryRule((g, dY, _x, y) => mul(g, dY, y))],
  ['Log', unaryRule((g, dY, x) => div(g, dY, x))],
  ['Sqrt', unaryRule((g, dY, _x, y) => div(g, dY, mul(g, y, 2)))],
  ['Abs', unaryRule((g, dY, x) => mul(g, dY, sign(g, x)))],
  ['Sigmoid', unaryRule((g, dY, _x, y) => mul(g, dY, mul(g, y, sub(g, 1, y))))],
  ['Tanh', unaryRule((g, dY, _x, y) => mul(g, dY, sub(g, 1, mul(g, y, y))))],
  ['Relu', unaryRule((g, dY, x) => where(g, greater(g, x, 0), dY, 0))],
]);
