import { regionFromIndices } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { dice, type ImageTruth, scoreImage, summarizeScores } from './evaluation';
import type { MassSegmentation, McCluster, Microcalcification } from './types';

const WIDTH = 100;
const SPACING = { row: 0.1, col: 0.1 };

function mc(x: number, y: number): Microcalcification {
  return { region: regionFromIndices([y * WIDTH + x], WIDTH), centroid: { x, y }, diameterMm: 0.1, cnr: 8 };
}

/** Sorted indices of the square [x0, x1) × [y0, y1). */
function square(x0: number, y0: number, x1: number, y1: number): Int32Array {
  const out: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push(y * WIDTH + x);
  return Int32Array.from(out);
}

function mass(indices: Int32Array): MassSegmentation {
  const region = regionFromIndices(indices, WIDTH);
  const b = region.bbox;
  return { region, contour: [], centroid: { x: (b.x0 + b.x1 - 1) / 2, y: (b.y0 + b.y1 - 1) / 2 } };
}

describe('dice', () => {
  it('is 2|A∩B|/(|A|+|B|) on sorted index lists', () => {
    expect(dice([1, 2, 3, 4], [3, 4, 5, 6])).toBeCloseTo(0.5, 12);
    expect(dice([1, 2], [1, 2])).toBe(1);
    expect(dice([1], [2])).toBe(0);
    expect(dice([], [])).toBe(1);
  });
});

describe('scoreImage', () => {
  const truth: ImageTruth = {
    width: WIDTH,
    pixelSpacingMm: SPACING,
    // Radii 0.15 and 0.5 mm: match distances max(0.3, r) = 0.3 and 0.5 mm = 3 and 5 px.
    microcalcifications: [
      { x: 10, y: 10, diameterMm: 0.3 },
      { x: 50, y: 50, diameterMm: 1 },
    ],
    clusters: [{ centroid: { x: 30, y: 30 }, bbox: { x0: 25, y0: 25, x1: 35, y1: 35 } }],
    masses: [{ indices: square(60, 60, 80, 80), diameterMm: 2.3 }],
  };

  it('applies the MC distance rule with max(0.3 mm, radius)', () => {
    const score = scoreImage(truth, {
      microcalcifications: [mc(12, 12), mc(54, 52), mc(90, 90)],
      clusters: [],
      masses: [],
    });
    // (12,12) is 0.28 mm from (10,10): found; (54,52) is 0.45 mm from (50,50): within its 0.5 mm radius.
    expect(score.mcs.map((m) => m.found)).toEqual([true, true]);
    expect(score.falseMcs).toBe(1);
    const strict = scoreImage(truth, { microcalcifications: [mc(13, 13)], clusters: [], masses: [] });
    expect(strict.mcs[0].found).toBe(false);
  });

  it('matches a detection along a linear MC by its centre line, not only near its centroid', () => {
    // A 3 mm line from (20, 70) to (50, 70), radius 0.08 mm, equivalent diameter 0.55 mm.
    const linear: ImageTruth = {
      ...truth,
      microcalcifications: [
        {
          x: 35,
          y: 70,
          diameterMm: 0.55,
          centreline: { segments: [{ x0: 20, y0: 70, x1: 50, y1: 70 }], radiusMm: 0.08 },
        },
      ],
    };
    const detect = (x: number, y: number) =>
      scoreImage(linear, { microcalcifications: [mc(x, y)], clusters: [], masses: [] });
    // 1.2 mm from the centroid but on the line: found (without the line it would not be).
    expect(detect(23, 70).mcs[0].found).toBe(true);
    expect(detect(23, 72).mcs[0].found).toBe(true);
    const { centreline: _, ...compact } = linear.microcalcifications[0];
    const withoutLine = scoreImage(
      { ...linear, microcalcifications: [compact] },
      { microcalcifications: [mc(23, 70)], clusters: [], masses: [] },
    );
    expect(withoutLine.mcs[0].found).toBe(false);
    // 0.4 mm beside the line, or 0.4 mm beyond its end: not found.
    expect(detect(30, 74).mcs[0].found).toBe(false);
    expect(detect(54, 70).mcs[0].found).toBe(false);
  });

  it('matches clusters by grown boxes and counts the rest as false', () => {
    const near: McCluster = {
      mcs: [mc(20, 20)],
      bbox: { x0: 18, y0: 18, x1: 23, y1: 23 },
      centroid: { x: 20, y: 20 },
    };
    const far: McCluster = {
      mcs: [mc(10, 10)],
      bbox: { x0: 5, y0: 5, x1: 15, y1: 15 },
      centroid: { x: 10, y: 10 },
    };
    const score = scoreImage(truth, { microcalcifications: [], clusters: [near, far], masses: [] });
    // near's centroid (20, 20) lies in the truth box grown by 2 mm = 20 px: found. far's centroid (10,10)
    // lies 15 px outside: grown by 20 px it is inside too.
    expect(score.clusters[0].found).toBe(true);
    expect(score.falseClusters).toBe(0);
    const tight = scoreImage(
      truth,
      { microcalcifications: [], clusters: [far], masses: [] },
      { clusterMarginMm: 0.5 },
    );
    expect(tight.clusters[0].found).toBe(false);
    expect(tight.falseClusters).toBe(1);
    // far's only MC is a true MC: a false cluster of true MCs.
    expect(tight.falseClustersOfTrueMcs).toBe(1);
  });

  it('finds masses by centroid and reports their Dice', () => {
    const half = mass(square(60, 60, 80, 70));
    const score = scoreImage(truth, {
      microcalcifications: [],
      clusters: [],
      masses: [half, mass(square(0, 0, 5, 5))],
    });
    expect(score.masses[0].found).toBe(true);
    expect(score.masses[0].dice).toBeCloseTo((2 * 200) / (400 + 200), 12);
    expect(score.falseMasses).toBe(1);
  });
});

describe('summarizeScores', () => {
  it('pools rates per diameter bin, per image false rates and mean Dice of found masses', () => {
    const summary = summarizeScores([
      {
        mcs: [
          { diameterMm: 0.15, found: false },
          { diameterMm: 0.25, found: true },
          { diameterMm: 1, found: true },
        ],
        falseMcs: 3,
        clusters: [{ found: true }],
        falseClusters: 1,
        falseClustersOfTrueMcs: 0,
        masses: [{ diameterMm: 10, found: true, dice: 0.9 }],
        falseMasses: 0,
      },
      {
        mcs: [{ diameterMm: 0.4, found: false }],
        falseMcs: 1,
        clusters: [{ found: false }],
        falseClusters: 0,
        falseClustersOfTrueMcs: 0,
        masses: [
          { diameterMm: 6, found: true, dice: 0.5 },
          { diameterMm: 12, found: false, dice: 0 },
        ],
        falseMasses: 2,
      },
    ]);
    expect(summary.clusterSensitivity).toEqual({ found: 1, total: 2, rate: 0.5 });
    expect(summary.falseClustersPerImage).toBe(0.5);
    expect(summary.mcSensitivityByDiameter.map((b) => b.total)).toEqual([1, 1, 1, 1]);
    expect(summary.mcSensitivityAtLeast02).toEqual({ found: 2, total: 3, rate: 2 / 3 });
    expect(summary.falseMcsPerImage).toBe(2);
    expect(summary.massSensitivity.rate).toBeCloseTo(2 / 3, 12);
    expect(summary.massSensitivityAtLeast8).toEqual({ found: 1, total: 2, rate: 0.5 });
    expect(summary.meanDice).toBeCloseTo(0.7, 12);
    expect(summary.meanDiceAtLeast8).toBeCloseTo(0.9, 12);
    expect(summary.falseMassesPerImage).toBe(1);
    expect(summary.clusterSensitivityByLabel).toEqual([]);
  });

  it('breaks cluster sensitivity down by the truth label, carried through scoreImage', () => {
    const spacing = { row: 0.1, col: 0.1 };
    const box = (x: number) => ({ centroid: { x: x + 5, y: 5 }, bbox: { x0: x, y0: 0, x1: x + 10, y1: 10 } });
    const truth = {
      width: 1000,
      pixelSpacingMm: spacing,
      microcalcifications: [],
      clusters: [
        { ...box(0), label: 'punctate' },
        { ...box(300), label: 'amorphous' },
        { ...box(600), label: 'amorphous' },
      ],
      masses: [],
    };
    const detected = { mcs: [], bbox: { x0: 300, y0: 0, x1: 310, y1: 10 }, centroid: { x: 305, y: 5 } };
    const score = scoreImage(truth, { microcalcifications: [], clusters: [detected], masses: [] });
    expect(score.clusters).toEqual([
      { found: false, label: 'punctate' },
      { found: true, label: 'amorphous' },
      { found: false, label: 'amorphous' },
    ]);
    expect(summarizeScores([score]).clusterSensitivityByLabel).toEqual([
      { label: 'amorphous', found: 1, total: 2, rate: 0.5 },
      { label: 'punctate', found: 0, total: 1, rate: 0 },
    ]);
  });
});
