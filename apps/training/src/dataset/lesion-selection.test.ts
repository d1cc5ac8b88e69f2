import { describe, expect, it } from 'vitest';
import { pickByRule, pickLabelledLesion } from './lesion-selection';
import { boxIoU, type ManifestRegion, regionPixelBox } from './region';
import { analysisWith, lesion } from './testing.fixtures';

const px = (x: number, y: number, width: number, height: number): ManifestRegion => ({
  source: 'roi',
  units: 'px',
  x,
  y,
  width,
  height,
});

describe('boxIoU and regionPixelBox', () => {
  it('computes IoU analytically', () => {
    const a = { x0: 0, y0: 0, x1: 10, y1: 10 };
    expect(boxIoU(a, a)).toBe(1);
    // Overlap 5 × 10 = 50; union 100 + 100 − 50 = 150.
    expect(boxIoU(a, { x0: 5, y0: 0, x1: 15, y1: 10 })).toBeCloseTo(1 / 3, 12);
    // Touching edges share no pixel.
    expect(boxIoU(a, { x0: 10, y0: 0, x1: 20, y1: 10 })).toBe(0);
  });

  it('converts mm with the pixel spacing and clips to the image', () => {
    const mm: ManifestRegion = { source: 'roi', units: 'mm', x: 1.05, y: 2, width: 3, height: 100 };
    // Columns: 1.05 mm / 0.1 → 10.5 → pixel 10; right edge 4.05 mm → 40.5 → 41. Rows at 0.2 mm: 10 … 510 → 500.
    expect(regionPixelBox(mm, [0.2, 0.1], 1000, 500)).toEqual({ x0: 10, y0: 10, x1: 41, y1: 500 });
    expect(regionPixelBox(px(990, 0, 50, 5), [0.1, 0.1], 1000, 500)).toEqual({
      x0: 990,
      y0: 0,
      x1: 1000,
      y1: 5,
    });
    expect(regionPixelBox(px(1200, 0, 50, 5), [0.1, 0.1], 1000, 500)).toBeNull();
  });
});

describe('pickLabelledLesion', () => {
  const lesions = [
    lesion(0, 'mass', [600, 600, 100, 100], 0, 80), // far away, the largest
    lesion(1, 'mc', [100, 100, 50, 50], 12, 0), // overlaps the region a little
    lesion(2, 'mc+mass', [200, 200, 60, 60], 5, 30), // inside the region
  ];
  const result = analysisWith(lesions);

  it('takes the lesion with the largest IoU with the region', () => {
    // Region [180, 280)²: lesion 2 lies inside (IoU 3600/10000), lesion 1 misses it.
    expect(pickLabelledLesion(result, px(180, 180, 100, 100))).toEqual({
      outcome: 'region',
      lesionIndex: 2,
      iou: 0.36,
      lesions: 3,
    });
    // Region [120, 220)²: lesion 1 overlaps 30 × 30 (IoU 900/11600), lesion 2 overlaps 20 × 20 (400/12800).
    const pick = pickLabelledLesion(result, px(120, 120, 100, 100));
    expect(pick).toMatchObject({ outcome: 'region', lesionIndex: 1 });
    expect(pick.outcome === 'region' && pick.iou).toBeCloseTo(900 / 11600, 12);
  });

  it('breaks IoU ties by the box centre lying inside the region', () => {
    // Region [10, 50) × [0, 40), area 1600.
    // A = [40, 60) × [10, 30): overlap 10 × 20 = 200, union 400 + 1600 − 200 = 1800, IoU 1/9; centre x 49.5
    //   is the middle of pixel 49.5, outside the region's last column 49.
    // B = [9, 19) × [0, 20): overlap 9 × 20 = 180, union 200 + 1600 − 180 = 1620, IoU 1/9; centre inside.
    const a = [40, 10, 20, 20] as [number, number, number, number];
    const b = [9, 0, 10, 20] as [number, number, number, number];
    const region = px(10, 0, 40, 40);
    const aFirst = analysisWith([lesion(0, 'mc', a, 3, 0), lesion(1, 'mc', b, 3, 0)]);
    expect(pickLabelledLesion(aFirst, region)).toEqual({
      outcome: 'region',
      lesionIndex: 1,
      iou: 1 / 9,
      lesions: 2,
    });
    const bFirst = analysisWith([lesion(0, 'mc', b, 3, 0), lesion(1, 'mc', a, 3, 0)]);
    expect(pickLabelledLesion(bFirst, region)).toMatchObject({ lesionIndex: 0 });
    // Equal boxes: equal IoU, both centres inside → the lower index.
    const same = analysisWith([lesion(0, 'mc', b, 3, 0), lesion(1, 'mc', b, 9, 0)]);
    expect(pickLabelledLesion(same, region)).toMatchObject({ lesionIndex: 0 });
  });

  it('labels no lesion when none overlaps the region, or the region is outside the image', () => {
    expect(pickLabelledLesion(result, px(900, 10, 50, 50))).toEqual({
      outcome: 'no-lesion-in-region',
      lesions: 3,
    });
    expect(pickLabelledLesion(result, px(5000, 10, 50, 50))).toEqual({
      outcome: 'no-lesion-in-region',
      lesions: 3,
    });
  });

  it('reports an image without lesions', () => {
    expect(pickLabelledLesion(analysisWith([]), px(0, 0, 10, 10))).toEqual({ outcome: 'no-lesion' });
    expect(pickLabelledLesion(analysisWith([]), null)).toEqual({ outcome: 'no-lesion' });
  });

  it('falls back to the rule without a region: most MCs, then largest mass area, then lower index', () => {
    expect(pickLabelledLesion(result, null)).toEqual({ outcome: 'rule', lesionIndex: 1, lesions: 3 });
    const masses = [lesion(0, 'mass', [0, 0, 9, 9], 0, 20), lesion(1, 'mass', [50, 0, 9, 9], 0, 45)];
    expect(pickByRule(masses)).toBe(1);
    expect(pickByRule([lesion(0, 'mc', [0, 0, 5, 5], 4, 0), lesion(1, 'mc', [9, 9, 5, 5], 4, 0)])).toBe(0);
  });

  it('converts an mm region with the image spacing', () => {
    // 0.1 mm pixels: 18–28 mm is pixels 180–280, the region of the first case.
    const mm: ManifestRegion = { source: 'truth', units: 'mm', x: 18, y: 18, width: 10, height: 10 };
    expect(pickLabelledLesion(result, mm)).toMatchObject({ outcome: 'region', lesionIndex: 2 });
  });
});
