import { describe, expect, it } from 'vitest';
import type { ModelSignature, TensorSpec } from '../serving/signature';
import { roiSpecForModel, roiSpecKey } from './roi';

const tensor = (name: string, dims: number[], datatype: TensorSpec['datatype'] = 'FP32'): TensorSpec => ({
  name,
  datatype,
  dims,
  modelDims: dims,
});

function signature(inputs: TensorSpec[], maxBatchSize = 32): ModelSignature {
  return { maxBatchSize, inputs, outputs: [tensor('probabilities', [2]), tensor('cam', [64, 64])] };
}

const card = (hyperparameters: Record<string, unknown>) => ({ name: 'dcis-idc-cnn-roi', hyperparameters });

describe('roiSpecForModel', () => {
  it('reads the ROI side from the card and the sample count from the roi input', () => {
    const found = roiSpecForModel(
      card({ roiSizeMm: 12, roiNormalization: 'zscore' }),
      signature([tensor('roi', [1, 64, 64])]),
    );
    expect(found).toEqual({
      spec: { key: '12mm-64px-zscore', sizeMm: 12, pixels: 64, normalization: 'zscore' },
    });
    expect(roiSpecForModel(card({ roiSizeMm: 8 }), signature([tensor('roi', [1, 32, 32])]))).toEqual({
      spec: { key: roiSpecKey(8, 32, 'none'), sizeMm: 8, pixels: 32, normalization: 'none' },
    });
  });

  it('says why a model cannot be fed', () => {
    const roi = tensor('roi', [1, 64, 64]);
    const problem = (c: ReturnType<typeof card>, s: ModelSignature) =>
      (roiSpecForModel(c, s) as { problem: string }).problem;
    expect(problem(card({}), signature([roi]))).toMatch(/lacks hyperparameters\.roiSizeMm/);
    expect(problem(card({ roiSizeMm: -1 }), signature([roi]))).toMatch(/roiSizeMm/);
    expect(problem(card({ roiSizeMm: 5, roiNormalization: 'minmax' }), signature([roi]))).toMatch(/'minmax'/);
    expect(problem(card({ roiSizeMm: 5 }), signature([roi, tensor('clinical', [4])]))).toMatch(/'clinical'/);
    expect(problem(card({ roiSizeMm: 5 }), signature([tensor('roi', [1, 64, 32])]))).toMatch(/fixed H/);
    expect(problem(card({ roiSizeMm: 5 }), signature([tensor('roi', [1, -1, -1])]))).toMatch(/fixed H/);
    expect(problem(card({ roiSizeMm: 5 }), signature([tensor('image', [1, 64, 64])]))).toMatch(
      /no 'roi' input/,
    );
    expect(problem(card({ roiSizeMm: 5 }), signature([roi], 0))).toMatch(/no batch axis/);
  });
});
