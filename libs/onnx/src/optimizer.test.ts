import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphError, OnnxSessionError } from './errors';
import { GraphBuilder } from './graph-builder';
import * as op from './ops';
import { appendTrainingStep, type OptimizerConfig } from './optimizer';
import { GraphTrainer } from './trainer';

// Linear regression y ≈ X·w + b with loss mean((X·w + b − y)²): small enough to differentiate by hand.
const X = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.5],
  [-1, 2, 0.75],
  [0.2, 0.4, -1.2],
];
const TRUE_W = [1.5, -2, 0.5];
const TRUE_B = 0.3;
const Y = X.map((row) => row.reduce((s, v, j) => s + v * TRUE_W[j], TRUE_B));

function buildStep(optimizer: OptimizerConfig) {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['N', 3]);
  const y = g.input('y', 'float32', ['N', 1]);
  const w = g.input('w', 'float32', [3, 1]);
  const b = g.input('b', 'float32', [1]);
  const residual = op.sub(g, op.gemm(g, x, w, b), y);
  const loss = op.reduceMean(g, op.mul(g, residual, residual), undefined, { keepdims: false });
  const signature = appendTrainingStep(g, loss, [w, b], optimizer);
  return { bytes: g.toBytes(), signature };
}

const batch = {
  x: new ort.Tensor('float32', Float32Array.from(X.flat()), [4, 3]),
  y: new ort.Tensor('float32', Float32Array.from(Y.map((v) => v + 0.1)), [4, 1]),
};

/** Hand-derived gradient: dL/dw = 2/N·Xᵀr, dL/db = 2/N·Σr with r = X·w + b − y. */
function gradient(w: number[], b: number, target: number[]): { dw: number[]; db: number } {
  const r = X.map((row, i) => row.reduce((s, v, j) => s + v * w[j], b) - target[i]);
  const n = X.length;
  return {
    dw: w.map((_, j) => (2 / n) * r.reduce((s, ri, i) => s + ri * X[i][j], 0)),
    db: (2 / n) * r.reduce((s, v) => s + v, 0),
  };
}

describe('optimizer updates inside the training-step graph', () => {
  const target = Y.map((v) => v + 0.1);
  const w0 = [0.1, 0.2, -0.3];
  const b0 = 0.05;

  it('SGD with momentum and weight decay matches the update rule computed by hand', async () => {
    const mu = 0.9;
    const wd = 0.01;
    const lr = 0.05;
    const { bytes, signature } = buildStep({ kind: 'sgd', momentum: mu, weightDecay: wd });
    const trainer = await GraphTrainer.create(
      bytes,
      signature,
      { w: Float32Array.from(w0), b: Float32Array.of(b0) },
      { providers: ['cpu'] },
    );
    let w = [...w0];
    let b = b0;
    let vw = [0, 0, 0];
    let vb = 0;
    for (let step = 0; step < 3; step++) {
      await trainer.step(batch, lr);
      const { dw, db } = gradient(w, b, target);
      vw = vw.map((v, j) => mu * v + dw[j] + wd * w[j]);
      vb = mu * vb + db + wd * b;
      w = w.map((v, j) => v - lr * vw[j]);
      b -= lr * vb;
    }
    const p = trainer.parameters();
    // Returned arrays are snapshots: later steps must not write into them.
    const snapshot = p.w.slice();
    await trainer.step(batch, lr);
    expect(Array.from(p.w)).toEqual(Array.from(snapshot));
    expect(Array.from(trainer.parameters().w)).not.toEqual(Array.from(snapshot));
    w.forEach((v, j) => {
      expect(p.w[j]).toBeCloseTo(v, 5);
    });
    expect(p.b[0]).toBeCloseTo(b, 5);
    expect(trainer.stepCount).toBe(4);
    await trainer.release();
  });

  it('Adam with weight decay matches the textbook bias-corrected update', async () => {
    const [beta1, beta2, eps, wd, lr] = [0.8, 0.95, 1e-6, 0.02, 0.01];
    const { bytes, signature } = buildStep({ kind: 'adam', beta1, beta2, epsilon: eps, weightDecay: wd });
    const trainer = await GraphTrainer.create(
      bytes,
      signature,
      { w: Float32Array.from(w0), b: Float32Array.of(b0) },
      { providers: ['cpu'] },
    );
    const params = [...w0, b0];
    const m = [0, 0, 0, 0];
    const v = [0, 0, 0, 0];
    let reported = 0;
    for (let t = 1; t <= 4; t++) {
      reported = await trainer.step(batch, lr);
      const { dw, db } = gradient(params.slice(0, 3), params[3], target);
      const grad = [...dw, db].map((gj, j) => gj + wd * params[j]);
      for (let j = 0; j < 4; j++) {
        m[j] = beta1 * m[j] + (1 - beta1) * grad[j];
        v[j] = beta2 * v[j] + (1 - beta2) * grad[j] ** 2;
        const mHat = m[j] / (1 - beta1 ** t);
        const vHat = v[j] / (1 - beta2 ** t);
        params[j] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    }
    const p = trainer.parameters();
    for (let j = 0; j < 3; j++) expect(p.w[j]).toBeCloseTo(params[j], 5);
    expect(p.b[0]).toBeCloseTo(params[3], 5);
    expect(reported).toBeGreaterThan(0);
    await trainer.release();
  });

  it('training on noise-free data recovers the generating weights', async () => {
    const { bytes, signature } = buildStep({ kind: 'adam' });
    const trainer = await GraphTrainer.create(
      bytes,
      signature,
      { w: new Float32Array(3), b: new Float32Array(1) },
      { providers: ['cpu'] },
    );
    const exact = { x: batch.x, y: new ort.Tensor('float32', Float32Array.from(Y), [4, 1]) };
    let first = Number.NaN;
    let last = Number.NaN;
    for (let i = 0; i < 1500; i++) {
      last = await trainer.step(exact, i < 1000 ? 0.05 : 0.005);
      if (i === 0) first = last;
    }
    expect(last).toBeLessThan(1e-6 * first);
    const p = trainer.parameters();
    TRUE_W.forEach((wj, j) => {
      expect(p.w[j]).toBeCloseTo(wj, 3);
    });
    expect(p.b[0]).toBeCloseTo(TRUE_B, 3);
    await trainer.release();
  });

  it('rejects parameters that are not static float32 inputs, and bad trainer arguments', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['N', 2]);
    const w = g.initializer('w', new Float32Array(2), [2, 1]);
    const loss = op.reduceSum(g, op.matMul(g, x, w), undefined, { keepdims: false });
    expect(() => appendTrainingStep(g, loss, [w], { kind: 'sgd' })).toThrow(OnnxGraphError);
    expect(() => buildStep({ kind: 'adam', beta1: 1 })).toThrow(OnnxGraphError);
    const { bytes, signature } = buildStep({ kind: 'sgd' });
    await expect(
      GraphTrainer.create(
        bytes,
        signature,
        { w: new Float32Array(2), b: new Float32Array(1) },
        { providers: ['cpu'] },
      ),
    ).rejects.toThrow(OnnxSessionError);
    const trainer = await GraphTrainer.create(
      bytes,
      signature,
      { w: new Float32Array(3), b: new Float32Array(1) },
      { providers: ['cpu'] },
    );
    await expect(trainer.step(batch, 0)).rejects.toThrow(OnnxSessionError);
    await trainer.release();
  });
});
