import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random';
import { type CnnArchitecture, convNames, planCnn, referenceResNet } from './architecture';
import { augmentBatch, resolveAugmentation } from './augment';
import { CnnError } from './errors';
import { countCnnFlops } from './flops';
import { initCnnWeights } from './init';
import { CnnModel } from './model';
import { conv2dReference } from './reference';
import { batchSizes, trainCnn } from './train';

/** 32×32 ROIs, stem stride 2 and one stride-2 stage: an 8×8 CAM grid, ~0.5 M multiply-adds per ROI. */
const TINY: CnnArchitecture = {
  inputHeight: 32,
  inputWidth: 32,
  stemWidth: 8,
  stemKernel: 3,
  stemStride: 2,
  stemPool: 'none',
  stages: [
    { width: 8, blocks: 1, stride: 1 },
    { width: 16, blocks: 1, stride: 2 },
  ],
  batchNormEpsilon: 1e-5,
};

interface BlobData {
  images: Float32Array;
  labels: Uint8Array;
  /** Blob centre (x, y) of positives, NaN for negatives. */
  centres: Float64Array;
}

/**
 * Gaussian noise (σ = 0.1) around 0.2; positives add a bright Gaussian blob (amplitude 0.8, σ = 2 px) centred
 * uniformly in the inner region. A trivially separable task for a CNN.
 */
function blobs(n: number, size: number, seed: number): BlobData {
  const random = new SeededRandom(seed);
  const images = new Float32Array(n * size * size);
  const labels = new Uint8Array(n);
  const centres = new Float64Array(2 * n).fill(Number.NaN);
  for (let s = 0; s < n; s++) {
    const positive = s % 2 === 1;
    labels[s] = positive ? 1 : 0;
    const cx = 5 + random.next() * (size - 10);
    const cy = 5 + random.next() * (size - 10);
    if (positive) {
      centres[2 * s] = cx;
      centres[2 * s + 1] = cy;
    }
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const blob = positive ? 0.8 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 2 ** 2)) : 0;
        images[(s * size + y) * size + x] = 0.2 + 0.1 * random.normal() + blob;
      }
    }
  }
  return { images, labels, centres };
}

describe('architecture and FLOPs', () => {
  it('counts the reference ResNet multiply-adds layer by layer', () => {
    const flops = countCnnFlops(planCnn(referenceResNet()));
    // 64×64 → stem 3×3/2 (1→16) at 32×32; stages at 32², 16², 8², 4²; 1×1/2 shortcuts where the width grows.
    const stem = 32 * 32 * 16 * 1 * 9;
    const stage1 = 2 * (32 * 32 * 16 * 16 * 9);
    const stage = (side: number, width: number) =>
      side * side * width * (width / 2) * 9 +
      side * side * width * width * 9 +
      side * side * width * (width / 2);
    const expected = stem + stage1 + stage(16, 32) + stage(8, 64) + stage(4, 128) + 128 * 2;
    expect(flops.forwardMacs).toBe(expected);
    expect(expected).toBe(15_876_352);
    expect(flops.forwardFlops).toBe(2 * expected);
    expect(flops.trainingFlops).toBe(6 * expected);
  });

  it('unrolls strides and shortcuts', () => {
    const plan = planCnn(referenceResNet());
    expect(plan.featureSize).toEqual([4, 4]);
    expect(plan.featureChannels).toBe(128);
    expect(plan.blocks.map((b) => b.shortcut !== undefined)).toEqual([false, true, true, true]);
    const pooled = planCnn({ ...referenceResNet(), stemPool: 'max' });
    expect(pooled.pool?.outputSize).toEqual([16, 16]);
    expect(pooled.featureSize).toEqual([2, 2]);
  });

  it('refuses impossible architectures', () => {
    expect(() => planCnn({ ...TINY, stemKernel: 4 })).toThrow(CnnError);
    expect(() => planCnn({ ...TINY, stages: [{ width: 8, blocks: 1, stride: 3 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => planCnn({ ...TINY, inputHeight: 0 })).toThrow(CnnError);
    expect(() => planCnn({ ...TINY, batchNormEpsilon: 0 })).toThrow(CnnError);
  });
});

describe('augmentation', () => {
  const size = 4;
  const image = Float32Array.from({ length: size * size }, (_, i) => i);
  const geometric = resolveAugmentation({ contrast: 0, brightness: 0 });

  it('applies one of the 8 symmetries of the square: a permutation preserving neighbours', () => {
    const seen = new Set<string>();
    const random = new SeededRandom(3);
    const scratch = new Float32Array(size * size);
    for (let trial = 0; trial < 64; trial++) {
      const batch = image.slice();
      augmentBatch(batch, 1, size, size, geometric, random, scratch);
      expect(Array.from(batch).sort((a, b) => a - b)).toEqual(Array.from(image));
      // Pixels adjacent in the output were adjacent in the input (|Δrow| + |Δcol| = 1).
      for (let y = 0; y < size; y++) {
        for (let x = 0; x + 1 < size; x++) {
          const a = batch[y * size + x];
          const b = batch[y * size + x + 1];
          expect(
            Math.abs(Math.floor(a / size) - Math.floor(b / size)) + Math.abs((a % size) - (b % size)),
          ).toBe(1);
        }
      }
      seen.add(Array.from(batch).join(','));
    }
    expect(seen.size).toBe(8);
  });

  it('keeps non-square ROIs non-square (flips and half turns only) and jitters intensities within bounds', () => {
    const h = 2;
    const w = 3;
    const random = new SeededRandom(5);
    const options = resolveAugmentation({ contrast: 0.2, brightness: 0.1 });
    for (let trial = 0; trial < 20; trial++) {
      const batch = Float32Array.from({ length: 2 * h * w }, () => 1);
      augmentBatch(batch, 2, h, w, options, random, new Float32Array(h * w));
      for (const v of batch) {
        expect(v).toBeGreaterThanOrEqual(0.8 - 0.1 - 1e-6);
        expect(v).toBeLessThanOrEqual(1.2 + 0.1 + 1e-6);
      }
      // One affine map per ROI: a constant image stays constant.
      expect(new Set(Array.from(batch.subarray(0, h * w))).size).toBe(1);
    }
  });

  it('is reproducible for a seed', () => {
    const run = () => {
      const batch = Float32Array.from({ length: 3 * 16 }, (_, i) => Math.sin(i));
      augmentBatch(batch, 3, 4, 4, resolveAugmentation({}), new SeededRandom(9), new Float32Array(16));
      return batch;
    };
    expect(run()).toEqual(run());
  });
});

describe('trainCnn', () => {
  const train = blobs(192, 32, 1);
  const test = blobs(96, 32, 2);
  const options = {
    architecture: TINY,
    epochs: 8,
    batchSize: 32,
    learningRate: 1e-2,
    seed: 7,
    validation: { images: test.images, labels: test.labels },
    providers: ['cpu'],
  } as const;
  let model: CnnModel;

  it('learns bright blob vs none to high held-out accuracy, reporting progress', async () => {
    const epochs: number[] = [];
    let steps = 0;
    model = await trainCnn(train.images, train.labels, {
      ...options,
      onProgress: (p) => epochs.push(p.epoch),
      onStep: () => {
        steps++;
      },
    });
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(steps).toBe(8 * 6);
    const history = model.history!;
    expect(history.loss[history.loss.length - 1]).toBeLessThan(history.loss[0]);
    const { probabilities } = await model.predict(test.images, { providers: ['cpu'] });
    let correct = 0;
    for (let i = 0; i < test.labels.length; i++) {
      if ((probabilities[2 * i + 1] > 0.5 ? 1 : 0) === test.labels[i]) correct++;
    }
    expect(correct / test.labels.length).toBeGreaterThanOrEqual(0.95);
    expect(history.validationAccuracy[history.bestEpoch - 1]).toBeCloseTo(correct / test.labels.length, 6);
    expect(model.stats!.samples).toBe(8 * 192);
  });

  it('exports a graph whose probabilities, embedding and CAM match the TypeScript pass', async () => {
    const sample = test.images.subarray(0, 4 * 32 * 32);
    const reference = model.forwardReference(sample);
    const onGrid = await model.predict(sample, { camSize: 'features', providers: ['cpu'] });
    const upsampled = await model.predict(sample, { providers: ['cpu'] });
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let m = 0;
      for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
      return m;
    };
    expect(maxDiff(onGrid.probabilities, reference.probabilities)).toBeLessThanOrEqual(1e-4);
    expect(maxDiff(onGrid.embedding, reference.embedding)).toBeLessThanOrEqual(1e-4);
    expect(onGrid.camSize).toEqual([8, 8]);
    expect(maxDiff(onGrid.cam, reference.cam)).toBeLessThanOrEqual(1e-3);
    expect(upsampled.camSize).toEqual([32, 32]);
    expect(maxDiff(upsampled.cam, reference.camUpsampled)).toBeLessThanOrEqual(1e-3);
    // The CAM's grid mean is the class-1 log-odds.
    for (let s = 0; s < 4; s++) {
      let mean = 0;
      for (let i = 0; i < 64; i++) mean += reference.cam[s * 64 + i] / 64;
      const p = reference.probabilities;
      expect(mean).toBeCloseTo(Math.log(p[2 * s + 1] / p[2 * s]), 6);
    }
  });

  it('puts the CAM peak on the blob', async () => {
    // The 8×8 CAM grid has 4-px cells: the upsampled peak should lie within 1.5 cells of the blob centre, and
    // the map should be higher on the blob than far from it (a random peak lands within 6 px 11% of the time).
    const { cam } = await model.predict(test.images, { providers: ['cpu'] });
    let near = 0;
    let brighter = 0;
    let positives = 0;
    for (let s = 0; s < test.labels.length; s++) {
      if (test.labels[s] !== 1) continue;
      positives++;
      const cx = test.centres[2 * s];
      const cy = test.centres[2 * s + 1];
      let best = 0;
      const sums = { on: 0, onCount: 0, off: 0, offCount: 0 };
      for (let i = 0; i < 32 * 32; i++) {
        const v = cam[s * 1024 + i];
        if (v > cam[s * 1024 + best]) best = i;
        const d = Math.hypot((i % 32) - cx, Math.floor(i / 32) - cy);
        if (d <= 4) {
          sums.on += v;
          sums.onCount++;
        } else if (d >= 10) {
          sums.off += v;
          sums.offCount++;
        }
      }
      if (Math.hypot((best % 32) - cx, Math.floor(best / 32) - cy) <= 6) near++;
      if (sums.on / sums.onCount > sums.off / sums.offCount) brighter++;
    }
    expect(near / positives).toBeGreaterThanOrEqual(0.9);
    expect(brighter / positives).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const short = { ...options, epochs: 1, validation: undefined, threads: 1 };
    const a = await trainCnn(train.images, train.labels, short);
    const b = await trainCnn(train.images, train.labels, short);
    const c = await trainCnn(train.images, train.labels, { ...short, seed: 8 });
    const name = convNames(a.plan.blocks[1].conv2).weight;
    expect(a.weights.parameters[name]).toEqual(b.weights.parameters[name]);
    expect(a.weights.buffers).toEqual(b.weights.buffers);
    expect(a.weights.parameters[name]).not.toEqual(c.weights.parameters[name]);
  });

  it('keeps BN running statistics as averages of the batch statistics (unbiased variance)', async () => {
    // One full batch, no augmentation, α = 1: the running statistics are the first step's batch statistics,
    // computed before the update, i.e. with the seed's initial weights.
    const n = 16;
    const images = train.images.subarray(0, n * 32 * 32);
    const labels = train.labels.subarray(0, n);
    const trained = await trainCnn(images, labels, {
      architecture: TINY,
      epochs: 1,
      batchSize: n,
      seed: 11,
      augmentation: false,
      batchNormMomentum: 1,
      optimizer: 'sgd',
      providers: ['cpu'],
    });
    const plan = planCnn(TINY);
    const initial = initCnnWeights(plan, new SeededRandom(11));
    const stem = plan.stem;
    const conv = conv2dReference(
      { data: Float64Array.from(images), n, channels: 1, height: 32, width: 32 },
      initial.parameters[convNames(stem).weight],
      stem,
    );
    const plane = 16 * 16;
    const names = convNames(stem);
    for (let c = 0; c < stem.outChannels; c++) {
      let sum = 0;
      let sq = 0;
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < plane; i++) {
          const v = conv.data[(s * stem.outChannels + c) * plane + i];
          sum += v;
          sq += v * v;
        }
      }
      const m = n * plane;
      const mean = sum / m;
      const unbiased = (sq - m * mean * mean) / (m - 1);
      expect(trained.weights.buffers[names.mean][c]).toBeCloseTo(mean, 4);
      expect(trained.weights.buffers[names.variance][c] / unbiased).toBeCloseTo(1, 4);
    }
  });

  it('refuses malformed data and options', async () => {
    const bad = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });
    await bad(trainCnn(new Float32Array(1000), new Uint8Array(1), { architecture: TINY }), 'INVALID_DATA');
    await bad(trainCnn(train.images, train.labels.subarray(1), { architecture: TINY }), 'INVALID_DATA');
    await bad(
      trainCnn(train.images.subarray(0, 2048), Uint8Array.of(1, 1), { architecture: TINY }),
      'INVALID_DATA',
    );
    await bad(trainCnn(train.images, train.labels, { architecture: TINY, batchSize: 1 }), 'INVALID_OPTION');
    await bad(
      trainCnn(train.images, train.labels, { architecture: TINY, augmentation: { contrast: 1 } }),
      'INVALID_OPTION',
    );
    expect(() => new CnnModel(TINY, { parameters: {}, buffers: {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_MODEL' }),
    );
  });
});

describe('export parity with stem pools and non-trivial running statistics', () => {
  it.each(['max', 'average'] as const)('stem pool %s: ORT matches the TypeScript pass', async (stemPool) => {
    const architecture: CnnArchitecture = { ...TINY, inputHeight: 20, inputWidth: 24, stemPool };
    const plan = planCnn(architecture);
    const random = new SeededRandom(21);
    const weights = initCnnWeights(plan, random);
    for (const [name, values] of Object.entries(weights.buffers)) {
      for (let i = 0; i < values.length; i++)
        values[i] = name.endsWith('.var') ? 0.5 + random.next() : random.normal();
    }
    for (const [name, values] of Object.entries(weights.parameters)) {
      if (name.includes('.bn.')) for (let i = 0; i < values.length; i++) values[i] += 0.3 * random.normal();
    }
    const model = new CnnModel(architecture, weights);
    const images = Float32Array.from({ length: 3 * 20 * 24 }, () => random.next());
    const reference = model.forwardReference(images);
    const out = await model.predict(images, { providers: ['cpu'] });
    expect(out.camSize).toEqual([20, 24]);
    for (let i = 0; i < reference.probabilities.length; i++) {
      expect(Math.abs(out.probabilities[i] - reference.probabilities[i])).toBeLessThanOrEqual(1e-4);
    }
    for (let i = 0; i < reference.camUpsampled.length; i++) {
      expect(Math.abs(out.cam[i] - reference.camUpsampled[i])).toBeLessThanOrEqual(
        1e-3 * (1 + Math.abs(reference.camUpsampled[i])),
      );
    }
  });
});

describe('batchSizes', () => {
  it('splits without dropping samples, sizes within one of each other', () => {
    expect(batchSizes(100, 32)).toEqual([25, 25, 25, 25]);
    expect(batchSizes(65, 32)).toEqual([22, 22, 21]);
    expect(batchSizes(32, 32)).toEqual([32]);
    expect(batchSizes(5, 32)).toEqual([5]);
  });
});
