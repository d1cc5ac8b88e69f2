import {
  bufferSpecs,
  type CnnArchitecture,
  CnnModel,
  type CnnWeights,
  createMatrix,
  parameterSpecs,
  planCnn,
} from '@calcscope/ml';
import { GraphBuilder, op } from '@calcscope/onnx';
import { describe, expect, it } from 'vitest';
import { computeEmbeddings, inspectBackbone, ROI_TENSORS, runRoiModel } from './backbone';
import { buildHeadModel, buildRoiEnsembleModel } from './export-graphs';
import { headInputs, headLogits, headProbabilities, type LinearHead } from './heads';
import { foldHeadIntoCnn } from './reference';

const TINY: CnnArchitecture = {
  inputHeight: 16,
  inputWidth: 16,
  stemWidth: 4,
  stemKernel: 3,
  stemStride: 1,
  stemPool: 'none',
  stages: [
    { width: 4, blocks: 1, stride: 1 },
    { width: 8, blocks: 1, stride: 2 },
  ],
  batchNormEpsilon: 1e-5,
};

/** Deterministic pseudo-random numbers in [0, 1) (LCG), so the test needs no trained net. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function randomCnn(seed: number): CnnModel {
  const random = lcg(seed);
  const plan = planCnn(TINY);
  const parameters: Record<string, Float32Array> = {};
  for (const p of parameterSpecs(plan)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    parameters[p.name] = Float32Array.from({ length: size }, () => (random() - 0.5) * 0.8);
  }
  const buffers: Record<string, Float32Array> = {};
  for (const b of bufferSpecs(plan)) {
    const isVariance = b.name.endsWith('var');
    buffers[b.name] = Float32Array.from({ length: b.shape[0] }, () =>
      isVariance ? 0.5 + random() : (random() - 0.5) * 0.2,
    );
  }
  const weights: CnnWeights = { parameters, buffers };
  return new CnnModel(TINY, weights);
}

function randomRois(n: number, side: number, seed: number): Float32Array {
  const random = lcg(seed);
  return Float32Array.from({ length: n * side * side }, () => random() * 2 - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const deepHead: LinearHead = {
  embeddingColumns: [3, 0, 6],
  clinicalColumns: [],
  mean: Float64Array.of(0.4, 0.7, 0.2),
  scale: Float64Array.of(0.3, 0.5, 0.25),
  weights: Float64Array.of(1.2, -0.8, 0.5),
  bias: -0.3,
};

describe('ROI model export (one ONNX graph: backbone + head)', () => {
  const cnn = randomCnn(11);
  const n = 5;
  const rois = randomRois(n, 16, 3);
  const backbone = inspectBackbone(cnn.toOnnx(), 'embedding');

  it('finds our CNN embedding and the feature maps it averages', () => {
    expect(backbone.info.embeddingSize).toBe(8);
    expect(backbone.info.channels).toBe(1);
    expect(backbone.info.inputSize).toBe(16);
    expect(backbone.info.featureMapsName).not.toBe('embedding');
  });

  it('deep head: ORT probabilities, CAM and embedding equal the TypeScript pass', async () => {
    const bytes = buildHeadModel({
      backbone,
      pixels: 16,
      head: deepHead,
      clinicalWidth: 3,
      name: 'deep',
      metadata: { family: 'deep' },
    });
    const out = await runRoiModel(bytes, rois, 16, ['probabilities', 'cam', 'embedding']);
    const reference = foldHeadIntoCnn(cnn, deepHead).forwardReference(rois);
    expect(maxAbsDiff(out.probabilities.data, reference.probabilities)).toBeLessThanOrEqual(1e-4);
    expect(out.cam.rowShape).toEqual([16, 16]);
    expect(maxAbsDiff(out.cam.data, reference.camUpsampled)).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(out.embedding.data, reference.embedding)).toBeLessThanOrEqual(1e-4);
    // The head itself, computed from the TypeScript embedding: the same probabilities.
    const tsEmbedding = createMatrix(n, 8, reference.embedding);
    const p = headProbabilities(deepHead, headInputs(deepHead, tsEmbedding, null, n));
    for (let i = 0; i < n; i++) expect(out.probabilities.data[2 * i + 1]).toBeCloseTo(p[i], 4);
    // The CAM's mean over the feature grid is the head's log-odds (GAP is linear).
    const logits = headLogits(deepHead, headInputs(deepHead, tsEmbedding, null, n));
    const grid = reference.cam.length / n;
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let j = 0; j < grid; j++) mean += reference.cam[i * grid + j] / grid;
      expect(mean).toBeCloseTo(logits[i], 5);
    }
  });

  it('combined head reads the clinical input; the CAM leaves the clinical term out', async () => {
    const head: LinearHead = {
      embeddingColumns: [1, 5],
      clinicalColumns: [0, 2],
      mean: Float64Array.of(0.5, 0.3, 0.4, 55),
      scale: Float64Array.of(0.2, 0.4, 0.49, 11),
      weights: Float64Array.of(0.9, -1.1, 0.7, 0.04),
      bias: 0.2,
    };
    const clinical = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? i % 2 : i % 3 === 1 ? 4 : 40 + i,
    );
    const bytes = buildHeadModel({
      backbone,
      pixels: 16,
      head,
      clinicalWidth: 3,
      name: 'combined',
      metadata: {},
    });
    const out = await runRoiModel(bytes, rois, 16, ['probabilities', 'cam'], {
      clinical: { data: clinical, columns: 3 },
    });
    const reference = foldHeadIntoCnn(cnn, head).forwardReference(rois);
    const x = headInputs(
      head,
      createMatrix(n, 8, reference.embedding),
      createMatrix(n, 3, Float64Array.from(clinical)),
      n,
    );
    const p = headProbabilities(head, x);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(out.probabilities.data[2 * i + 1] - p[i])).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(out.probabilities.data[2 * i] - (1 - p[i]))).toBeLessThanOrEqual(1e-4);
    }
    expect(maxAbsDiff(out.cam.data, reference.camUpsampled)).toBeLessThanOrEqual(1e-3);
  });

  it('clinical model: clinical → probabilities and label, no ROI input', async () => {
    const head: LinearHead = {
      embeddingColumns: [],
      clinicalColumns: [1],
      mean: Float64Array.of(4),
      scale: Float64Array.of(0.7),
      weights: Float64Array.of(1.5),
      bias: 0.1,
    };
    const bytes = buildHeadModel({
      backbone: null,
      pixels: 16,
      head,
      clinicalWidth: 3,
      name: 'clinical',
      metadata: {},
    });
    const { createSession, Tensor } = await import('@calcscope/onnx');
    const { session } = await createSession(bytes, { intraOpNumThreads: 1 });
    const rows = Float32Array.of(0, 3, 50, 1, 5, 60, 0, 4, 40);
    const result = await session.run({ clinical: new Tensor('float32', rows, [3, 3]) });
    await session.release();
    expect(session.inputNames).toEqual(['clinical']);
    const probabilities = result.probabilities.data as Float32Array;
    const labels = result.label.data as BigInt64Array;
    [3, 5, 4].forEach((birads, i) => {
      const expected = 1 / (1 + Math.exp(-(0.1 + (1.5 * (birads - 4)) / 0.7)));
      expect(probabilities[2 * i + 1]).toBeCloseTo(expected, 5);
      expect(Number(labels[i])).toBe(expected > 0.5 ? 1 : 0);
    });
  });

  it('a 3-channel backbone with symbolic spatial axes: the ROI is repeated to its channels', async () => {
    // x [N, 3, h, w] → ReLU(1×1 conv) → GlobalAveragePool → Flatten → 'features'
    const g = new GraphBuilder({ name: 'rgb', opset: 17 });
    const x = g.input('image', 'float32', ['N', 3, 'h', 'w']);
    const w = Float32Array.of(0.5, -0.25, 0.75, -1, 0.5, 0.25);
    const maps = op.relu(g, op.conv(g, x, g.initializer('w', w, [2, 3, 1, 1]), null));
    const pooled = op.globalAveragePool(g, maps);
    g.output(
      g.addNode('Flatten', [pooled], [{ dtype: 'float32', shape: ['N', 2], name: 'features' }], {
        axis: { int: 1 },
      })[0],
    );
    const rgb = inspectBackbone(g.toBytes(), 'features');
    expect(rgb.info.channels).toBe(3);
    expect(rgb.info.inputSize).toBeNull();
    const embeddings = await computeEmbeddings(rgb, rois, 16);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < 2; d++) {
        const k = w[3 * d] + w[3 * d + 1] + w[3 * d + 2];
        let mean = 0;
        for (let j = 0; j < 256; j++) mean += Math.max(0, k * rois[i * 256 + j]) / 256;
        expect(embeddings[i * 2 + d]).toBeCloseTo(mean, 5);
      }
    }
    const head: LinearHead = {
      embeddingColumns: [0, 1],
      clinicalColumns: [],
      mean: Float64Array.of(0.1, 0.2),
      scale: Float64Array.of(1, 2),
      weights: Float64Array.of(2, -1),
      bias: 0,
    };
    const out = await runRoiModel(
      buildHeadModel({ backbone: rgb, pixels: 16, head, clinicalWidth: 3, name: 'rgb_head', metadata: {} }),
      rois,
      16,
      ['probabilities', 'cam'],
    );
    const p = headProbabilities(
      head,
      headInputs(head, createMatrix(n, 2, Float64Array.from(embeddings)), null, n),
    );
    for (let i = 0; i < n; i++) expect(out.probabilities.data[2 * i + 1]).toBeCloseTo(p[i], 5);
    // Feature maps are 16 × 16 here, so the resized CAM is the map itself: its mean is the logit.
    const logits = headLogits(
      head,
      headInputs(head, createMatrix(n, 2, Float64Array.from(embeddings)), null, n),
    );
    for (let i = 0; i < n; i++) {
      const cam = out.cam.data.subarray(i * 256, (i + 1) * 256);
      expect(cam.reduce((s, v) => s + v, 0) / 256).toBeCloseTo(logits[i], 4);
    }
  });

  it('refuses a backbone without the named output or without a pooled embedding', () => {
    expect(() => inspectBackbone(cnn.toOnnx(), 'logits')).toThrow(/has no output 'logits'/);
    const g = new GraphBuilder({ name: 'flat', opset: 17 });
    const x = g.input('image', 'float32', ['N', 1, 4, 4]);
    g.output(op.reshape(g, x, [0, -1], { name: 'flat', outputShape: ['N', 16] }));
    expect(() => inspectBackbone(g.toBytes(), 'flat')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_BACKBONE' }),
    );
  });

  it('ensemble graph: mean of the members’ probabilities and CAMs, embeddings side by side', async () => {
    const other = randomCnn(29);
    const bytes = buildRoiEnsembleModel([cnn.toOnnx(), other.toOnnx()], 16, { family: 'ensemble' });
    const out = await runRoiModel(bytes, rois, 16, [
      ROI_TENSORS.probabilities,
      ROI_TENSORS.cam,
      ROI_TENSORS.embedding,
    ]);
    const a = cnn.forwardReference(rois);
    const b = other.forwardReference(rois);
    const mean = (x: Float64Array, y: Float64Array) => x.map((v, i) => (v + y[i]) / 2);
    expect(maxAbsDiff(out.probabilities.data, mean(a.probabilities, b.probabilities))).toBeLessThanOrEqual(
      1e-4,
    );
    expect(maxAbsDiff(out.cam.data, mean(a.camUpsampled, b.camUpsampled))).toBeLessThanOrEqual(1e-3);
    expect(out.embedding.rowShape).toEqual([16]);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < 8; d++) {
        expect(out.embedding.data[i * 16 + d]).toBeCloseTo(a.embedding[i * 8 + d], 4);
        expect(out.embedding.data[i * 16 + 8 + d]).toBeCloseTo(b.embedding[i * 8 + d], 4);
      }
    }
  });
});
