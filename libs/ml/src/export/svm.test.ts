import { describe, expect, it } from 'vitest';
import { fitSvm, predictProbaSvm } from '../svm/svm';
import { batchParity, contractViolations, mixedUnitTable, parityRows, TEST_METADATA } from './parity.fixture';
import { exportSvm } from './svm';

const SPEC = 1e-5;
const FLOAT64_PATH = 1e-7;

describe('SVM export', () => {
  const train = mixedUnitTable(400, 21);
  const { x } = parityRows(train, 1000, 22, 50);

  // (C, γ): a middle of the default grid, its small-γ / large-C corner, where the dual coefficients cancel
  // (Σ|αy·K| ≫ |f|; float32 kernels miss 1e-5 there), and a large γ where K underflows except near
  // support vectors (the duplicated training rows give d² = 0, K = 1).
  for (const [c, gamma] of [
    [8, 2 ** -5],
    [128, 2 ** -9],
    [128, 0.5],
  ]) {
    it(`C = ${c}, γ = ${gamma}: ONNX matches predictProbaSvm on 1,000 rows and follows the contract`, async () => {
      const model = fitSvm(train, { c, gamma });
      const bytes = exportSvm(model, TEST_METADATA);
      expect(contractViolations(bytes, 'svm', TEST_METADATA)).toEqual([]);
      const expected = predictProbaSvm(model, x);
      const { full, single } = await batchParity(`svm C=${c} gamma=${gamma}`, bytes, expected, x);
      expect(full.maxAbsDiff).toBeLessThanOrEqual(SPEC);
      expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
      expect(full.labelMismatches).toBe(0);
      expect(single.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
      expect(single.labelMismatches).toBe(0);
      // Both classes occur, so the comparison covers both labels.
      expect(full.positives).toBeGreaterThan(10);
      expect(full.positives).toBeLessThan(990);
    });
  }
});
