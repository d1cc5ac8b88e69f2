import type { Point } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { contourSpiculation } from './spiculation';

/** n points of r(θ) = R (1 + ε cos kθ) around (cx, cy), in pixels. */
function wavy(n: number, radius: number, epsilon: number, k: number): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const theta = (2 * Math.PI * i) / n;
    const r = radius * (1 + epsilon * Math.cos(k * theta));
    return { x: 50 + r * Math.cos(theta), y: 40 + r * Math.sin(theta) };
  });
}

const spacing = { row: 0.1, col: 0.1 };

describe('contourSpiculation', () => {
  it('is 0 for a circle and the RMS ε/√2 of a fine radial ripple', () => {
    expect(contourSpiculation(wavy(1024, 30, 0, 1), { x: 50, y: 40 }, spacing)).toBeCloseTo(0, 12);
    // 64 ripples over 1024 points: the 65-point window averages them out, leaving the ripple itself.
    const ripple = contourSpiculation(wavy(1024, 30, 0.1, 64), { x: 50, y: 40 }, spacing);
    expect(Math.abs(ripple - 0.1 / Math.SQRT2) / (0.1 / Math.SQRT2)).toBeLessThan(0.03);
  });

  it('leaves slow shape variation (2 or 3 lobes) out', () => {
    const lobes = contourSpiculation(wavy(1024, 30, 0.2, 3), { x: 50, y: 40 }, spacing);
    expect(lobes).toBeLessThan(0.1 * (0.2 / Math.SQRT2));
  });

  it('is scale-free and uses physical (mm) radii', () => {
    const small = contourSpiculation(wavy(512, 20, 0.1, 32), { x: 50, y: 40 }, spacing);
    const large = contourSpiculation(wavy(512, 80, 0.1, 32), { x: 50, y: 40 }, { row: 0.05, col: 0.05 });
    expect(large).toBeCloseTo(small, 12);
    // Squeezing the rows 2× in mm turns the circle into an ellipse: smooth, still near 0.
    const squeezed = contourSpiculation(wavy(512, 20, 0, 1), { x: 50, y: 40 }, { row: 0.05, col: 0.1 });
    expect(squeezed).toBeLessThan(0.02);
    expect(squeezed).toBeGreaterThan(0);
  });

  it('returns 0 for fewer than 3 points', () => {
    expect(
      contourSpiculation(
        [
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
        { x: 0, y: 0 },
        spacing,
      ),
    ).toBe(0);
  });
});
