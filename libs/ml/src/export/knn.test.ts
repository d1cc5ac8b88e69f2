import { describe, expect, it } from 'vitest';
import type { Dataset } from '../core/matrix';
import { fitKnn, type KnnModel, predictProbaKnn } from '../knn/knn';
import { exportKnn } from './knn';
import {
  batchParity,
  contractViolations,
  mixedUnitTable,
  parityRows,
  runOnnx,
  TEST_METADATA,
} from './parity.fixture';

const SPEC = 1e-5;
const FLOAT64_PATH = 1e-7;

describe('KNN export', () => {
  const train = mixedUnitTable(400, 31);
  const { x, duplicateRows } = parityRows(train, 1000, 32, 50);

  for (const [k, weighted] of [
    [7, false],
    [6, false],
    [9, true],
  ] as const) {
    it(`k = ${k}${weighted ? ', distance-weighted' : ''}: ONNX matches predictProbaKnn on 1,000 rows with 50 training duplicates`, async () => {
      const model = fitKnn(train, { k, weighted });
      const bytes = exportKnn(model, TEST_METADATA);
      expect(contractViolations(bytes, 'knn', TEST_METADATA)).toEqual([]);
      const expected = predictProbaKnn(model, x);
      const { full, single } = await batchParity(`knn k=${k} weighted=${weighted}`, bytes, expected, x);
      expect(full.maxAbsDiff).toBeLessThanOrEqual(SPEC);
      expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
      expect(full.labelMismatches).toBe(0);
      expect(single.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
      if (weighted) {
        // A duplicate sits at distance 0, weight 1/1e-6, and outvotes the others: P ≈ its own label.
        for (const row of duplicateRows) expect(Math.abs(expected[row] - 0.5)).toBeGreaterThan(0.49);
      }
      if (k % 2 === 0) {
        // Even k: exact 0.5 shares occur and must label 0 in both.
        expect(Array.from(expected).filter((p) => p === 0.5).length).toBeGreaterThan(10);
      }
    });
  }

  it('breaks distance ties by the lower training index, as nearestNeighbours does (known answers)', async () => {
    // Query (0, 0); training points 1–4 all at distance 1, labels 1, 0, 0, 0; point 0 far away.
    const model: KnnModel = {
      family: 'knn',
      featureCount: 2,
      standardizer: { mean: Float64Array.of(0, 0), scale: Float64Array.of(1, 1) },
      k: 1,
      weighted: false,
      trainingPoints: Float64Array.of(5, 5, 1, 0, 0, 1, -1, 0, 0, -1),
      trainingLabels: Uint8Array.of(1, 1, 0, 0, 0),
      trainingCount: 5,
    };
    const meta = { scenario: 'table', featureSchemaHash: 'h', featureNames: ['a', 'b'] };
    const query = { rows: 1, cols: 2, data: Float32Array.of(0, 0) };
    const expectedByK = [1, 1 / 2, 1 / 3, 1 / 4]; // lowest indices first; highest first would give 0, 0, 0, 1/4
    for (let k = 1; k <= 4; k++) {
      const tied = { ...model, k };
      const out = await runOnnx(exportKnn(tied, meta), query);
      expect(predictProbaKnn(tied, query)[0]).toBeCloseTo(expectedByK[k - 1], 15);
      expect(out.probabilities[1]).toBeCloseTo(expectedByK[k - 1], 7);
      expect(Number(out.labels[0])).toBe(k === 1 ? 1 : 0);
    }
  });

  it('resolves identical training rows with conflicting labels like TypeScript (bit-identical distances)', async () => {
    // mc-sized rows (F = 15); rows 0–19 repeated at the end with the opposite label. Queries are those rows
    // nudged slightly, so each one's nearest neighbours are a tied pair at a non-zero distance: the pair's
    // d² must round identically (TypeScript gives the tie to the original, lower row). A vectorised
    // ReduceSum over the feature axis fails this: it rounds identical rows differently by memory position.
    const p = 15;
    // 301 originals: a copy then starts 301·15 values after its original, a different SIMD alignment.
    const base = mixedUnitTable(301, 33, 20, p);
    const source = base.x.data as Float32Array;
    const data = new Float32Array(321 * p);
    data.set(source);
    data.set(source.subarray(0, 20 * p), 301 * p);
    const y = new Uint8Array(321);
    y.set(base.y);
    for (let i = 0; i < 20; i++) y[301 + i] = 1 - base.y[i];
    const withCopies: Dataset = { x: { rows: 321, cols: p, data }, y };
    const nudges = mixedUnitTable(400, 34, 0, p).x.data;
    const queryData = new Float32Array(400 * p);
    for (let q = 0; q < 400; q++) {
      for (let j = 0; j < p; j++) queryData[q * p + j] = source[(q % 20) * p + j] + 1e-3 * nudges[q * p + j];
    }
    const queries = { rows: 400, cols: p, data: queryData };
    const meta = { ...TEST_METADATA, featureNames: TEST_METADATA.featureNames.slice(0, p) };
    for (const k of [1, 2, 3]) {
      const model = fitKnn(withCopies, { k });
      const expected = predictProbaKnn(model, queries);
      if (k === 1) for (let q = 0; q < 400; q++) expect(expected[q]).toBe(base.y[q % 20]); // the original wins
      const { full } = await batchParity(
        `knn tied duplicate pairs k=${k}`,
        exportKnn(model, meta),
        expected,
        queries,
      );
      expect(full.maxAbsDiff).toBeLessThanOrEqual(FLOAT64_PATH);
      expect(full.labelMismatches).toBe(0);
    }
  });
});
