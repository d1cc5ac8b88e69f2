import { describe, expect, it } from 'vitest';
import { estimateEtaS, formatDuration, formatProgress } from './progress';

describe('progress', () => {
  it('estimates the time left from the mean time per image', () => {
    expect(estimateEtaS(0, 10, 5)).toBeNull();
    expect(estimateEtaS(4, 10, 8)).toBe(12);
    expect(estimateEtaS(10, 10, 8)).toBe(0);
  });

  it('formats a bar line', () => {
    const line = formatProgress({ done: 5, total: 20, cached: 2, failed: 1, elapsedS: 2.5, etaS: 75 }, 8);
    expect(line).toBe('[##......] 5/20 25% · 2 cached · 1 failed · 2.0 img/s · ETA 1:15');
    expect(formatProgress({ done: 0, total: 3, cached: 0, failed: 0, elapsedS: 0, etaS: null }, 4)).toBe(
      '[....] 0/3 0% · 0 cached · 0 failed · 0.0 img/s · ETA --:--',
    );
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
