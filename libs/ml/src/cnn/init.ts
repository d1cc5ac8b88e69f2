import type { SeededRandom } from '../core/random';
import { bufferSpecs, type CnnPlan, parameterSpecs } from './architecture';

/** Trainable tensors and running statistics of a CNN, by name. */
export interface CnnWeights {
  readonly parameters: Record<string, Float32Array>;
  /** Batch-norm running means (0) and variances (1) at initialisation. */
  readonly buffers: Record<string, Float32Array>;
}

/**
 * Initial weights, deterministic for a seed: conv weights He-normal (N(0, 2/fan_in), fan_in = C·k², He et al.
 * 2015, for ReLU nets), BN γ = 1 and β = 0, dense weights uniform in ±1/√fan_in and bias 0; running means 0
 * and variances 1.
 *
 * @param plan - Unrolled architecture.
 * @param random - Seeded generator (consumed in parameter order, so equal seeds give equal weights).
 * @returns Fresh arrays.
 */
export function initCnnWeights(plan: CnnPlan, random: SeededRandom): CnnWeights {
  const parameters: Record<string, Float32Array> = {};
  for (const spec of parameterSpecs(plan)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (spec.role === 'conv') {
      const std = Math.sqrt(2 / spec.fanIn);
      for (let i = 0; i < size; i++) data[i] = std * random.normal();
    } else if (spec.role === 'denseWeight') {
      random.fillUniform(data, 1 / Math.sqrt(spec.fanIn));
    } else if (spec.role === 'bnScale') {
      data.fill(1);
    }
    parameters[spec.name] = data;
  }
  const buffers: Record<string, Float32Array> = {};
  for (const spec of bufferSpecs(plan)) {
    buffers[spec.name] = new Float32Array(spec.shape[0]).fill(spec.kind === 'variance' ? 1 : 0);
  }
  return { parameters, buffers };
}
