import { describe, expect, it } from 'vitest';
import { fitLda, predictProbaLda } from '../lda/lda';
import { predictProbaLogistic, trainLassoLogistic } from '../logistic/logistic';
import { exportLda, exportLogistic } from './linear';
import { batchParity, contractViolations, mixedUnitTable, parityRows, TEST_METADATA } from './parity.fixture';

/** The parity bound. */
const SPEC = 1e-5;
/** What the float64 graph reaches: float32 output rounding (2⁻²⁵ ≈ 3e-8) plus a few float64 roundings. */
const FLOAT64_PATH = 1e-7;

describe('LDA and L1 logistic export', () => {
  const train = mixedUnitTable(400, 11);
  const { x } = parityRows(train, 1000, 12, 50);

  it('LDA: ONNX matches predictProbaLda on 1,000 rows and follows the contract', async () => {
    const model = fitLda(train);
    const bytes = exportLda(model, TEST_METADATA);
    expect(contractViolations(bytes, 'lda', TEST_METADATA)).toEqual([]);
    const { full, single } = await batchParity('lda', bytes, predictProbaLda(model, x), x);
    expect(full.maxAbsDiff).toBeLessThanOrEqual(SPEC);
    expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
    expect(full.labelMismatches).toBe(0);
    expect(full.positives).toBeGreaterThan(200);
    expect(full.positives).toBeLessThan(800);
    expect(single.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
    expect(single.labelMismatches).toBe(0);
  });

  it('L1 logistic: ONNX matches predictProbaLogistic for a sparse CV-chosen model', async () => {
    const { model } = trainLassoLogistic(train, { k: 5, seed: 3 });
    expect(model.selectedFeatures.length).toBeGreaterThan(0);
    expect(model.selectedFeatures.length).toBeLessThan(41); // a real L1 selection, zeros in the graph
    const bytes = exportLogistic(model, TEST_METADATA);
    expect(contractViolations(bytes, 'logistic', TEST_METADATA)).toEqual([]);
    const { full, single } = await batchParity('logistic', bytes, predictProbaLogistic(model, x), x);
    expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
    expect(full.labelMismatches).toBe(0);
    expect(full.positives).toBeGreaterThan(200);
    expect(single.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
  });

  it('keeps parity when features sit 10⁴ spreads away from zero (float32 centring would lose ~1e-4)', async () => {
    const offsetTrain = mixedUnitTable(400, 13, 1e4);
    const offsetRows = parityRows(offsetTrain, 1000, 14, 50, 1e4).x;
    const model = fitLda(offsetTrain);
    const { full } = await batchParity(
      'lda offset 1e4',
      exportLda(model, TEST_METADATA),
      predictProbaLda(model, offsetRows),
      offsetRows,
    );
    expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
    expect(full.labelMismatches).toBe(0);
  });
});
