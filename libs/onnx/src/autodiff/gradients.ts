import { isFloatDType } from '../dtype';
import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { sum } from '../ops';
import { formatShape, isScalarShape, type TensorRef } from '../tensor';
import type { GradientRuleTable } from './gradient-rule';
import { gradientRules } from './registry';
import { zerosLike } from './unbroadcast';

/** Options of `appendGradients`. */
export interface AppendGradientsOptions {
  /** Rule table (default: the process-wide table, see `registerGradientRule`). */
  readonly rules?: GradientRuleTable;
  /** What to do with a parameter the loss does not depend on: throw (default) or return zeros. */
  readonly unusedParameters?: 'error' | 'zero';
}

/**
 * Appends the reverse-mode derivative of a scalar loss to the graph: walks the recorded nodes from the loss
 * back to the parameters, applying each op type's gradient rule and summing the contributions of tensors
 * used more than once.
 *
 * Only nodes on a path from a parameter to the loss are differentiated; integer and bool values (shapes,
 * masks, argmax) carry no gradient.
 *
 * @param g - Graph holding the forward computation.
 * @param loss - Float tensor of rank 0 or with all dims 1.
 * @param params - Float tensors (usually graph inputs) to differentiate with respect to.
 * @param options - Rule table and handling of unused parameters.
 * @returns d(loss)/d(param) per parameter, in order, each with the parameter's type and shape.
 * @throws OnnxGraphError `NOT_SCALAR` for a non-scalar or non-float loss, `INVALID_ARGUMENT` for a non-float
 *   parameter, `NO_GRADIENT_RULE` for an op without a rule on the path, `UNUSED_PARAMETER`.
 */
export function appendGradients(
  g: GraphBuilder,
  loss: TensorRef,
  params: readonly TensorRef[],
  options: AppendGradientsOptions = {},
): TensorRef[] {
  g.assertOwn(loss);
  if (!isFloatDType(loss.dtype) || !isScalarShape(loss.shape)) {
    throw new OnnxGraphError(
      'NOT_SCALAR',
      `loss '${loss.name}' must be a float scalar, got ${loss.dtype} ${formatShape(loss.shape)}`,
    );
  }
  for (const p of params) {
    g.assertOwn(p);
    if (!isFloatDType(p.dtype))
      throw new OnnxGraphError('INVALID_ARGUMENT', `parameter '${p.name}' is ${p.dtype}, not float`);
  }
  const rules = options.rules ?? gradientRules();
  const forward = g.nodes.slice();

  // Values that depend on a parameter through float arithmetic.
  const dependent = new Set(params.map((p) => p.name));
  for (const node of forward) {
    if (!node.inputs.some((x) => x && dependent.has(x.name))) continue;
    for (const y of node.outputs) if (isFloatDType(y.dtype)) dependent.add(y.name);
  }
  // Values the loss depends on.
  const needed = new Set([loss.name]);
  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i];
    if (!node.outputs.some((y) => needed.has(y.name))) continue;
    for (const x of node.inputs) if (x) needed.add(x.name);
  }

  const contributions = new Map<string, TensorRef[]>();
  const accumulated = (t: TensorRef): TensorRef | undefined => {
    const list = contributions.get(t.name);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) list.splice(0, list.length, sum(g, list));
    return list[0];
  };
  const seedData = loss.dtype === 'float64' ? Float64Array.of(1) : Float32Array.of(1);
  const seed = g.initializer(`_grad_seed_${loss.name}`, seedData, loss.shape as number[], { unique: true });
  contributions.set(loss.name, [seed]);

  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i];
    if (!node.outputs.some((y) => needed.has(y.name) && dependent.has(y.name))) continue;
    const wanted = node.inputs.map((x) => x !== null && dependent.has(x.name) && needed.has(x.name));
    if (!wanted.some(Boolean)) continue;
    const outputGrads = node.outputs.map(accumulated);
    if (outputGrads.every((d) => d === undefined)) continue;
    const rule = rules.get(node.opType);
    if (!rule) {
      throw new OnnxGraphError(
        'NO_GRADIENT_RULE',
        `no gradient rule for ${node.opType} (node '${node.name}')`,
      );
    }
    const inputGrads = rule(g, node, outputGrads, wanted);
    node.inputs.forEach((x, k) => {
      const grad = inputGrads[k];
      if (!x || !wanted[k] || !grad) return;
      if (grad.dtype !== x.dtype) {
        throw new OnnxGraphError(
          'DTYPE_MISMATCH',
          `${node.opType} rule returned ${grad.dtype} for ${x.dtype} input '${x.name}'`,
        );
      }
      const list = contributions.get(x.name);
      if (list) list.push(grad);
      else contributions.set(x.name, [grad]);
    });
  }

  return params.map((p) => {
    const grad = accumulated(p);
    if (grad) return grad;
    if (options.unusedParameters === 'zero') return zerosLike(g, p);
    throw new OnnxGraphError('UNUSED_PARAMETER', `the loss does not depend on parameter '${p.name}'`);
  });
}
