import { createMatrix } from '@calcscope/ml';
import { GraphBuilder, op } from '@calcscope/onnx';
import { describe, expect, it } from 'vitest';
import { ROI_TENSORS } from './backbone';
import { checkGraphParity } from './export';
import { buildHeadModel } from './export-graphs';
import { headInputs, headProbabilities, type LinearHead } from './heads';

/**
 * A graph for 2 × 2 ROIs whose `cam` is the ROI itself and whose `probabilities` are its first two samples,
 * so the exact expected outputs are known without a trained net.
 */
function echoRoiGraph(): Uint8Array {
  const g = new GraphBuilder({ name: 'echo', opset: 17 });
  const roi = g.input(ROI_TENSORS.roi, 'float32', ['N', 1, 2, 2]);
  const flat = op.reshape(g, roi, [0, 4]);
  g.output(op.slice(g, flat, [1], [0], [2], { name: ROI_TENSORS.probabilities }));
  g.output(op.reshape(g, roi, [0, 2, 2], { name: ROI_TENSORS.cam }));
  return g.toBytes();
}

// Powers of two, so every difference below is exact in float32 and float64.
const ROIS = Float32Array.of(0.25, 0.75, 2, -4, 0.5, 0.5, 1, 3);
const PROBABILITIES = [0.25, 0.75, 0.5, 0.5];

describe('checkGraphParity (ONNX vs TypeScript before an export is written)', () => {
  const onnx = echoRoiGraph();

  it('passes a graph within the tolerances and reports the cases and the differences', async () => {
    const expectedCam = Float64Array.from(ROIS);
    expectedCam[0] += 2 ** -8; // 3.9e-3 absolute, but relative to max |CAM| = 4: 2^-10 ≤ 1e-3
    const parity = await checkGraphParity(
      'echo',
      onnx,
      { images: ROIS, pixels: 2, expectedCam },
      { probabilities: [0.25, 0.75, 0.5, 0.5 + 2 ** -14], reference: 'hand-computed' },
    );
    expect(parity).toEqual({ rois: 2, probabilities: 2 ** -14, cam: 2 ** -10, reference: 'hand-computed' });
  });

  it('leaves the CAM out where there is no TypeScript CAM', async () => {
    const parity = await checkGraphParity(
      'echo',
      onnx,
      { images: ROIS, pixels: 2, expectedCam: null },
      { probabilities: PROBABILITIES, reference: 'hand-computed' },
    );
    expect(parity.cam).toBeNull();
  });

  it('refuses probabilities beyond 1e-4, naming the model and max |Δ|', async () => {
    await expect(
      checkGraphParity(
        'echo-model',
        onnx,
        { images: ROIS, pixels: 2, expectedCam: ROIS },
        { probabilities: [0.25, 0.75, 0.5, 0.5 + 2 ** -13], reference: 'hand-computed' },
      ),
    ).rejects.toMatchObject({
      name: 'RoiError',
      code: 'PARITY_FAILED',
      message: expect.stringMatching(
        /^echo-model: ONNX vs TypeScript differ by 0\.0001220703125 on probabilities/,
      ),
    });
  });

  it('refuses a CAM beyond 1e-3 relative to max(1, max |CAM|)', async () => {
    const expectedCam = Float64Array.from(ROIS);
    expectedCam[0] += 2 ** -7; // relative 2^-9 ≈ 2.0e-3
    await expect(
      checkGraphParity(
        'echo',
        onnx,
        { images: ROIS, pixels: 2, expectedCam },
        { probabilities: PROBABILITIES, reference: 'hand-computed' },
      ),
    ).rejects.toMatchObject({
      code: 'PARITY_FAILED',
      message: expect.stringContaining(`and ${2 ** -9} on the CAM`),
    });
  });

  it('feeds a clinical-only graph its rows and compares its probabilities', async () => {
    const head: LinearHead = {
      embeddingColumns: [],
      clinicalColumns: [1, 2],
      mean: Float64Array.of(4, 55),
      scale: Float64Array.of(0.7, 9),
      weights: Float64Array.of(1.5, -0.4),
      bias: 0.1,
    };
    const clinical = { data: Float32Array.of(0, 3, 50, 1, 5, 60, 0, 4, 40), columns: 3 };
    const p1 = headProbabilities(
      head,
      headInputs(head, null, createMatrix(3, 3, Float64Array.from(clinical.data)), 3),
    );
    const probabilities = Array.from(p1).flatMap((p) => [1 - p, p]);
    const bytes = buildHeadModel({
      backbone: null,
      pixels: 2,
      head,
      clinicalWidth: 3,
      name: 'c',
      metadata: {},
    });
    const parity = await checkGraphParity(
      'clinical',
      bytes,
      { clinical },
      { probabilities, reference: 'LR' },
    );
    expect(parity.rois).toBe(3);
    expect(parity.cam).toBeNull();
    expect(parity.probabilities).toBeLessThanOrEqual(1e-6);
    probabilities[1] += 1e-3;
    await expect(
      checkGraphParity('clinical', bytes, { clinical }, { probabilities, reference: 'LR' }),
    ).rejects.toMatchObject({ code: 'PARITY_FAILED' });
  });
});
