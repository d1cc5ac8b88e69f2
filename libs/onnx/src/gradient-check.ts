import * as ort from 'onnxruntime-node';
import { appendGradients } from './autodiff/gradients';
import type { DType } from './dtype';
import { OnnxGraphError } from './errors';
import { GraphBuilder } from './graph-builder';
import { type Shape, staticSize, type TensorRef } from './tensor';

/** One input of a gradient check. */
export interface GradientCheckInput {
  readonly name: string;
  readonly shape: readonly number[];
  /** Values: numbers for float inputs (converted to the check's float type), bytes for bool, bigints for int64. */
  readonly data: Float64Array | Uint8Array | BigInt64Array;
  /** Element type; default: the check's float type. */
  readonly dtype?: DType;
  /** Differentiate with respect to this input (default true for float inputs). */
  readonly wrt?: boolean;
  /** Shape declared in the graph, with symbolic dims to exercise dynamic-shape paths (default `shape`). */
  readonly declaredShape?: Shape;
}

/** Options of `checkGradients`. */
export interface GradientCheckOptions {
  /** Float type of the graph (default float64, so finite differences are accurate). */
  readonly dtype?: 'float32' | 'float64';
  /** Central-difference step h (default 1e-6 for float64, 1e-2 for float32). */
  readonly epsilon?: number;
  /** Opset of the graph (default 17). */
  readonly opset?: number;
}

/** Analytic and numeric gradients of one input. */
export interface GradientComparison {
  readonly name: string;
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
  /** max |analytic − numeric| / max(1, |numeric|) over the elements. */
  readonly maxError: number;
}

/**
 * Compares the gradients `appendGradients` builds with central finite differences (L(x+h) − L(x−h)) / 2h,
 * both evaluated by onnxruntime (CPU) on the same graph.
 *
 * @param build - Builds the scalar loss from the graph inputs (keyed by name).
 * @param inputs - Inputs with values; the float ones (unless `wrt: false`) are checked.
 * @param options - Float type, step, opset.
 * @returns One comparison per checked input.
 * @throws OnnxGraphError `INVALID_ARGUMENT` when data length and shape disagree; graph/autodiff errors.
 */
export async function checkGradients(
  build: (g: GraphBuilder, inputs: Readonly<Record<string, TensorRef>>) => TensorRef,
  inputs: readonly GradientCheckInput[],
  options: GradientCheckOptions = {},
): Promise<GradientComparison[]> {
  const floatType = options.dtype ?? 'float64';
  const h = options.epsilon ?? (floatType === 'float64' ? 1e-6 : 1e-2);
  const g = new GraphBuilder({ name: 'gradient_check', opset: options.opset ?? 17 });
  const refs: Record<string, TensorRef> = {};
  for (const input of inputs) {
    if (staticSize(input.shape) !== input.data.length) {
      throw new OnnxGraphError('INVALID_ARGUMENT', `input '${input.name}': shape and data length disagree`);
    }
    refs[input.name] = g.input(input.name, input.dtype ?? floatType, input.declaredShape ?? input.shape);
  }
  const checked = inputs.filter((i) => (i.dtype ?? floatType) === floatType && i.wrt !== false);
  const loss = build(g, refs);
  g.output(loss, 'loss');
  const grads = appendGradients(
    g,
    loss,
    checked.map((i) => refs[i.name]),
  );
  grads.forEach((grad, k) => {
    g.output(grad, `grad_${checked[k].name}`);
  });
  const session = await ort.InferenceSession.create(g.toBytes(), { executionProviders: ['cpu'] });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) feeds[input.name] = toTensor(input, floatType);
    const base = await session.run(feeds);
    const results: GradientComparison[] = [];
    for (const input of checked) {
      const analytic = Float64Array.from(base[`grad_${input.name}`].data as Float64Array | Float32Array);
      const numeric = new Float64Array(input.data.length);
      const values = Float64Array.from(input.data as Float64Array);
      for (let j = 0; j < values.length; j++) {
        const original = values[j];
        values[j] = original + h;
        const plus = await lossAt(session, feeds, input, values, floatType);
        values[j] = original - h;
        const minus = await lossAt(session, feeds, input, values, floatType);
        values[j] = original;
        numeric[j] = (plus - minus) / (2 * h);
      }
      let maxError = 0;
      for (let j = 0; j < numeric.length; j++) {
        maxError = Math.max(maxError, Math.abs(analytic[j] - numeric[j]) / Math.max(1, Math.abs(numeric[j])));
      }
      results.push({ name: input.name, analytic, numeric, maxError });
    }
    return results;
  } finally {
    await session.release();
  }
}

async function lossAt(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  input: GradientCheckInput,
  values: Float64Array,
  floatType: 'float32' | 'float64',
): Promise<number> {
  const data = floatType === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  const out = await session.run({ ...feeds, [input.name]: new ort.Tensor(floatType, data, input.shape) }, [
    'loss',
  ]);
  return Number((out.loss.data as Float64Array | Float32Array)[0]);
}

function toTensor(input: GradientCheckInput, floatType: 'float32' | 'float64'): ort.Tensor {
  const dtype = input.dtype ?? floatType;
  const shape = [...input.shape];
  if (dtype === 'float64')
    return new ort.Tensor('float64', Float64Array.from(input.data as Float64Array), shape);
  if (dtype === 'float32')
    return new ort.Tensor('float32', Float32Array.from(input.data as Float64Array), shape);
  if (dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(input.data as Uint8Array), shape);
  if (dtype === 'int64')
    return new ort.Tensor('int64', BigInt64Array.from(input.data as BigInt64Array), shape);
  throw new OnnxGraphError('INVALID_ARGUMENT', `gradient check: unsupported input type ${dtype}`);
}
