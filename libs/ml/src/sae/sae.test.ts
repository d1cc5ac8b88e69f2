import { InferenceSession, Tensor } from '@calcscope/onnx';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random';
import { SaeError } from './errors';
import { SaeModel } from './model';
import { trainSae } from './train';

/** erfc with fractional error < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
const phi = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

/**
 * Two classes with equal priors, identity covariance and means 0 and μ (‖μ‖ = Δ). The Bayes rule is the
 * perpendicular bisector of the means, with error Φ(−Δ/2).
 */
function twoGaussians(
  rows: number,
  dims: number,
  delta: number,
  seed: number,
): { x: Float32Array; y: Uint8Array } {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(rows * dims);
  const y = new Uint8Array(rows);
  const shift = delta / Math.sqrt(2);
  for (let r = 0; r < rows; r++) {
    y[r] = rng.next() < 0.5 ? 1 : 0;
    for (let j = 0; j < dims; j++) x[r * dims + j] = rng.normal() + (y[r] === 1 && j < 2 ? shift : 0);
  }
  return { x, y };
}

/** Features driven by 2 latent factors plus a little noise, on raw scales like a feature table. */
function lowRankTable(rows: number, dims: number, seed: number): { x: Float32Array; y: Uint8Array } {
  const rng = new SeededRandom(seed);
  const loadings = Array.from({ length: dims }, () => [rng.normal(), rng.normal()]);
  const x = new Float32Array(rows * dims);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    y[r] = a + 0.5 * b + 0.3 * rng.normal() > 0 ? 1 : 0;
    for (let j = 0; j < dims; j++) {
      x[r * dims + j] = 5 * j + (1 + j) * (loadings[j][0] * a + loadings[j][1] * b + 0.1 * rng.normal());
    }
  }
  return { x, y };
}

const fast = { threads: 1, providers: ['cpu'] as const };

describe('trainSae', () => {
  it('pretraining lowers the reconstruction error of every layer', async () => {
    const { x, y } = lowRankTable(400, 8, 3);
    const model = await trainSae(x, y, 8, {
      ...fast,
      hidden: [12, 6],
      noise: 0.2,
      pretrainEpochs: 40,
      finetuneEpochs: 1,
      batchSize: 40,
      learningRate: 0.01,
      seed: 5,
    });
    const losses = model.history!.pretrainLoss;
    expect(losses).toHaveLength(2);
    for (const layer of losses) {
      expect(layer).toHaveLength(40);
      expect(layer[layer.length - 1]).toBeLessThan(0.5 * layer[0]);
    }
    // Layer 1 sees standardised inputs: predicting their mean costs ½ per feature per row, ½·8 = 4 in all.
    expect(losses[0][39]).toBeLessThan(0.25 * 4);
  });

  it('comes within 2 points of the Bayes accuracy on two overlapping Gaussians', async () => {
    const delta = 2;
    const bayesAccuracy = phi(delta / 2);
    expect(bayesAccuracy).toBeCloseTo(0.841345, 5);
    const train = twoGaussians(1000, 4, delta, 11);
    const test = twoGaussians(20000, 4, delta, 12);
    const model = await trainSae(train.x, train.y, 4, {
      ...fast,
      hidden: [16, 16],
      noise: 0.1,
      pretrainEpochs: 15,
      finetuneEpochs: 60,
      batchSize: 50,
      learningRate: 0.003,
      seed: 7,
      validationFraction: 0.15,
      patience: 15,
    });
    const labels = model.predict(test.x);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === test.y[i]) correct++;
    const accuracy = correct / labels.length;
    expect(Math.abs(accuracy - bayesAccuracy)).toBeLessThanOrEqual(0.02);
  });

  it('keeps the parameters of the epoch with the lowest validation loss', async () => {
    const { x, y } = lowRankTable(200, 6, 21);
    const model = await trainSae(x, y, 6, {
      ...fast,
      hidden: [32],
      pretrainEpochs: 2,
      finetuneEpochs: 80,
      batchSize: 20,
      learningRate: 0.02,
      validationFraction: 0.25,
      patience: 5,
      seed: 2,
    });
    const h = model.history!;
    expect(h.validationLoss).toHaveLength(h.finetuneLoss.length);
    const best = Math.min(...h.validationLoss);
    expect(h.validationLoss[h.bestEpoch - 1]).toBe(best);
    if (h.stoppedEarly) expect(h.validationLoss.length - h.bestEpoch).toBe(5);
    else expect(h.validationLoss.length).toBe(80);
  });

  it('is deterministic for a seed and changes with it', async () => {
    const { x, y } = lowRankTable(150, 5, 8);
    const options = {
      ...fast,
      hidden: [10, 7],
      pretrainEpochs: 5,
      finetuneEpochs: 5,
      batchSize: 16,
      seed: 99,
    };
    const a = await trainSae(x, y, 5, options);
    const b = await trainSae(x, y, 5, options);
    const c = await trainSae(x, y, 5, { ...options, seed: 100 });
    const flat = (m: SaeModel) =>
      Float32Array.from([
        ...m.parameters.encoders.flatMap((l) => [...l.weight, ...l.bias]),
        ...m.parameters.classifier.weight,
      ]);
    expect(Buffer.from(flat(a).buffer).equals(Buffer.from(flat(b).buffer))).toBe(true);
    expect(a.history).toEqual(b.history);
    expect(Buffer.from(flat(a).buffer).equals(Buffer.from(flat(c).buffer))).toBe(false);
  });

  it('rejects malformed data and options with typed errors', async () => {
    const { x, y } = lowRankTable(40, 3, 1);
    const codeOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e instanceof SaeError ? e.code : String(e);
      }
      return 'no error';
    };
    expect(await codeOf(trainSae(x.subarray(1), y, 3))).toBe('INVALID_DATA');
    expect(await codeOf(trainSae(x, y.subarray(1), 3))).toBe('INVALID_DATA');
    expect(
      await codeOf(
        trainSae(
          x,
          Uint8Array.from(y, () => 2),
          3,
        ),
      ),
    ).toBe('INVALID_DATA');
    expect(await codeOf(trainSae(x, new Uint8Array(40), 3))).toBe('INVALID_DATA');
    const withNaN = x.slice();
    withNaN[7] = Number.NaN;
    expect(await codeOf(trainSae(withNaN, y, 3))).toBe('INVALID_DATA');
    expect(await codeOf(trainSae(x, y, 3, { hidden: [] }))).toBe('INVALID_OPTION');
    expect(await codeOf(trainSae(x, y, 3, { noise: 1 }))).toBe('INVALID_OPTION');
    expect(await codeOf(trainSae(x, y, 3, { batchSize: 0 }))).toBe('INVALID_OPTION');
    expect(await codeOf(trainSae(x, y, 3, { validationFraction: 0.9 }))).toBe('INVALID_OPTION');
  });
});

describe('SaeModel ONNX export', () => {
  it('matches the TypeScript forward pass on 1,000 rows (|Δp| ≤ 1e-5, equal labels) and follows the contract', async () => {
    const { x, y } = lowRankTable(300, 7, 31);
    const model = await trainSae(x, y, 7, {
      ...fast,
      hidden: [20, 10],
      pretrainEpochs: 10,
      finetuneEpochs: 30,
      batchSize: 30,
      learningRate: 0.01,
      seed: 4,
    });
    const bytes = model.toOnnx({ scenario: 'combined', schema_hash: 'abc123' });
    const proto = onnx.ModelProto.decode(bytes);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const meta = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({
      family: 'sae',
      scenario: 'combined',
      schema_hash: 'abc123',
      hidden: '20,10',
    });
    const graph = proto.graph as onnx.GraphProto;
    const standard = new Set(['Sub', 'Div', 'Gemm', 'Sigmoid', 'Softmax', 'ArgMax']);
    expect(graph.node.every((n) => (n.domain ?? '') === '' && standard.has(n.opType!))).toBe(true);
    const dims = (v: onnx.IValueInfoProto) =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((v) => [v.name, v.type!.tensorType!.elemType, dims(v)])).toEqual([
      ['features', 1, ['N', 7]],
    ]);
    expect(graph.output.map((v) => [v.name, v.type!.tensorType!.elemType, dims(v)])).toEqual([
      ['probabilities', 1, ['N', 2]],
      ['label', 7, ['N']],
    ]);

    const test = lowRankTable(1000, 7, 32).x;
    const session = await InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    const out = await session.run({ features: new Tensor('float32', test, [1000, 7]) });
    const ortP = out.probabilities.data as Float32Array;
    const ortLabel = out.label.data as BigInt64Array;
    const tsP = model.predictProba(test);
    const tsLabel = model.predict(test);
    let maxDiff = 0;
    let ones = 0;
    for (let i = 0; i < tsP.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tsP[i] - ortP[i]));
    for (let r = 0; r < 1000; r++) {
      expect(Number(ortLabel[r])).toBe(tsLabel[r]);
      expect(tsP[2 * r] + tsP[2 * r + 1]).toBeCloseTo(1, 12);
      ones += tsLabel[r];
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(ones).toBeGreaterThan(100);
    expect(ones).toBeLessThan(900);
    const single = await session.run({ features: new Tensor('float32', test.subarray(0, 7), [1, 7]) });
    expect(Array.from(single.probabilities.data as Float32Array)).toEqual(Array.from(ortP.subarray(0, 2)));
    await session.release();
  });

  it('refuses inconsistent parameters', () => {
    const layer = (i: number, o: number) => ({ weight: new Float32Array(i * o), bias: new Float32Array(o) });
    const ok = {
      nFeatures: 3,
      hidden: [4],
      mean: new Float32Array(3),
      std: new Float32Array(3).fill(1),
      encoders: [layer(3, 4)],
      classifier: layer(4, 2),
    };
    expect(() => new SaeModel(ok)).not.toThrow();
    expect(() => new SaeModel({ ...ok, encoders: [layer(3, 5)] })).toThrow(SaeError);
    expect(() => new SaeModel({ ...ok, classifier: layer(4, 3) })).toThrow(SaeError);
    expect(() => new SaeModel({ ...ok, mean: new Float32Array(2) })).toThrow(SaeError);
  });
});
