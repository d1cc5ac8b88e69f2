import { OnnxGraphError } from '../errors';
import type { GradientRule, GradientRuleTable } from './gradient-rule';
import { CONV_RULES } from './rules-conv';
import { ELEMENTWISE_RULES } from './rules-elementwise';
import { LINEAR_RULES } from './rules-linear';
import { NORMALIZATION_RULES } from './rules-normalization';
import { POOL_RULES } from './rules-pool';
import { REDUCE_RULES } from './rules-reduce';
import { SHAPE_RULES } from './rules-shape';

/** The rules this library ships, keyed by op type (a fresh copy; extend it or pass your own table). */
export function builtinGradientRules(): Map<string, GradientRule> {
  return new Map([
    ...ELEMENTWISE_RULES,
    ...LINEAR_RULES,
    ...REDUCE_RULES,
    ...SHAPE_RULES,
    ...CONV_RULES,
    ...POOL_RULES,
    ...NORMALIZATION_RULES,
  ]);
}

/** Process-wide table used by `appendGradients` unless a call passes its own. */
const registry = builtinGradientRules();

/**
 * Adds or replaces the gradient rule of an op type in the process-wide table (e.g. `Conv` from the CNN code).
 *
 * @param opType - ONNX op type.
 * @param rule - The chain rule as graph ops.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for an empty op type.
 */
export function registerGradientRule(opType: string, rule: GradientRule): void {
  if (opType.length === 0)
    throw new OnnxGraphError('INVALID_ARGUMENT', 'registerGradientRule: empty op type');
  registry.set(opType, rule);
}

/** The process-wide rule table (read-only view). */
export function gradientRules(): GradientRuleTable {
  return registry;
}
