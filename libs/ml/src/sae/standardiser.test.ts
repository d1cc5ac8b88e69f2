import { describe, expect, it } from 'vitest';
import { standardiseRows } from './standardiser';

describe('standardiseRows', () => {
  it('copies the chosen rows in order as float32 (x − mean) / std', () => {
    // 3 rows × 2 features.
    const x = Float32Array.from([1, 5, 3, 5, 100, 5]);
    const s = { mean: Float32Array.from([2, 5]), std: Float32Array.from([1, 1]) };
    expect(Array.from(standardiseRows(x, 2, [2, 0], s))).toEqual([98, 0, -1, 0]);
    const scaled = standardiseRows(x, 2, [1], {
      mean: Float32Array.from([0, 1]),
      std: Float32Array.from([3, 0.5]),
    });
    expect(scaled).toBeInstanceOf(Float32Array);
    expect(Array.from(scaled)).toEqual([1, 8]);
  });
});
