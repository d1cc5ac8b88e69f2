import { describe, expect, it } from 'vitest';
import { centreJitter, roiCnnSettings, shiftInto } from './cnn-training';

describe('ROI CNN training helpers', () => {
  it('shiftInto moves content by (dx, dy) and repeats the edges', () => {
    const source = Float32Array.from({ length: 16 }, (_, i) => i); // 4 × 4, value = 4y + x
    const out = new Float32Array(16);
    shiftInto(source, out, 4, 4, 1, -1);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const sy = Math.min(3, Math.max(0, y + 1));
        const sx = Math.min(3, Math.max(0, x - 1));
        expect(out[4 * y + x]).toBe(4 * sy + sx);
      }
  });

  it('centre jitter moves a bright pixel by at most maxShift, draws two numbers per ROI, and is seed-stable', () => {
    const n = 50;
    const side = 16;
    const batch = new Float32Array(n * side * side);
    for (let s = 0; s < n; s++) batch[s * 256 + 8 * side + 8] = 1;
    let draws = 0;
    let state = 7;
    const random = {
      next: () => {
        draws++;
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
      },
    };
    const shifts = new Set<string>();
    centreJitter(3)(batch, n, side, side, random as never);
    expect(draws).toBe(2 * n);
    for (let s = 0; s < n; s++) {
      const roi = batch.subarray(s * 256, (s + 1) * 256);
      const index = roi.indexOf(1);
      const dx = (index % side) - 8;
      const dy = Math.floor(index / side) - 8;
      expect(Math.abs(dx)).toBeLessThanOrEqual(3);
      expect(Math.abs(dy)).toBeLessThanOrEqual(3);
      expect(roi.reduce((a, v) => a + v, 0)).toBe(1);
      shifts.add(`${dx},${dy}`);
    }
    expect(shifts.size).toBeGreaterThan(10);
    expect(() => centreJitter(-1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('settings: reference net by default, half widths and 3 epochs when quick; jitter scales with the ROI', () => {
    const full = roiCnnSettings(64);
    expect(full.architecture.stages.map((s) => s.width)).toEqual([16, 32, 64, 128]);
    expect(full.maxShift).toBe(6);
    const quick = roiCnnSettings(32, true);
    expect(quick.architecture.stages.map((s) => s.width)).toEqual([8, 16, 32, 64]);
    expect(quick.epochs).toBe(3);
    expect(quick.maxShift).toBe(3);
  });
});
