import type { Point } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { assembleLesions } from './lesions';
import { massFeatures } from './massFeatures';
import { mcClusterFeatures } from './mcFeatures';
import { COMBINED_FEATURES, featureVectorToRecord } from './schema';
import { blankImage, diskRegion, paint, starContour } from './testing.fixtures';

const W = 300;
const image = blankImage(W, W, 0.1, 0.2);

function mass(cx: number, cy: number, r: number) {
  const region = diskRegion(W, W, cx, cy, r);
  paint(image, region, 0.5);
  return { region, contour: starContour(region, W, { x: cx, y: cy }) };
}

/** A cluster of 2-px-radius MCs at the given pixel centres. */
function cluster(...centres: [number, number][]) {
  const mcs = centres.map(([x, y]) => ({ region: diskRegion(W, W, x, y, 2) }));
  for (const mc of mcs) paint(image, mc.region, 0.9);
  return { mcs };
}

const mass0 = mass(100, 100, 30); // edge at x = 130
const mass1 = mass(240, 60, 20);
const near = cluster([134, 96], [136, 104], [140, 100]); // MC edges 0.2 mm from mass 0
const far = cluster([250, 250], [256, 244], [262, 252]);
const inside = cluster([95, 95], [105, 100], [100, 108]);
// MCs 4.5 mm out on every side of mass 0: none within 3 mm, but their centre is the mass centre.
const around = cluster([100, 25], [175, 100], [100, 175], [25, 100]);

describe('assembleLesions', () => {
  it('groups a mass with the clusters on or near it; far clusters and lone masses stand alone', () => {
    const lesions = assembleLesions(image, [near, far, inside], [mass0, mass1]);
    expect(lesions.map((l) => [l.kind, l.clusterIndices, l.massIndex])).toEqual([
      ['mc+mass', [0, 2], 0],
      ['mass', [], 1],
      ['mc', [1], null],
    ]);
    const [combined, massOnly, mcOnly] = lesions;
    // A lesion with several clusters: MC features of the union of their MCs.
    const union = mcClusterFeatures(image, { mcs: [...near.mcs, ...inside.mcs] });
    expect(Array.from(combined.features.slice(0, 15))).toEqual(Array.from(union));
    expect(Array.from(combined.features.slice(15))).toEqual(Array.from(massFeatures(image, mass0)));
    expect(featureVectorToRecord(COMBINED_FEATURES, combined.features).mcCount).toBe(6);
    // Absent parts are zeros, marked by mcCount = 0 / massArea = 0.
    expect(Array.from(massOnly.features.slice(0, 15))).toEqual(new Array(15).fill(0));
    expect(Array.from(massOnly.features.slice(15))).toEqual(Array.from(massFeatures(image, mass1)));
    expect(Array.from(mcOnly.features.slice(0, 15))).toEqual(Array.from(mcClusterFeatures(image, far)));
    expect(Array.from(mcOnly.features.slice(15))).toEqual(new Array(26).fill(0));
    const record = featureVectorToRecord(COMBINED_FEATURES, mcOnly.features);
    expect(record.mcCount).toBe(3);
    expect(record.massArea).toBe(0);
    for (const lesion of lesions) expect(lesion.features).toHaveLength(41);
  });

  it('gives each lesion the bounding box of its MC pixels and mass mask', () => {
    const [combined, , mcOnly] = assembleLesions(image, [near, far], [mass0, mass1]);
    expect(combined.bbox).toEqual({ x0: 70, y0: 70, x1: 143, y1: 131 });
    expect(mcOnly.bbox).toEqual({ x0: 248, y0: 242, x1: 265, y1: 255 });
  });

  it('attaches by distance to the mask: 3 mm by default, configurable', () => {
    // MC edges at 3.3 mm from the mass edge (x = 130): out by default, in at 3.5 mm.
    const edge = cluster([165, 60], [165, 66], [166, 63]);
    const single = diskRegion(W, W, 100, 60, 30);
    const m = { region: single, contour: [] as Point[] };
    expect(assembleLesions(image, [edge], [m]).map((l) => l.kind)).toEqual(['mass', 'mc']);
    expect(assembleLesions(image, [edge], [m], { attachDistanceMm: 3.5 }).map((l) => l.kind)).toEqual([
      'mc+mass',
    ]);
  });

  it('attaches a cluster whose centre lies on the mass even when every MC is farther away', () => {
    const lesions = assembleLesions(image, [around], [mass0]);
    expect(lesions.map((l) => l.kind)).toEqual(['mc+mass']);
  });

  it('gives a cluster near two masses to the nearer one', () => {
    const left = mass(40, 240, 20); // edge at x = 60
    const right = mass(120, 240, 20); // edge at x = 100
    const between = cluster([85, 238], [87, 242], [86, 246]); // 2.3 mm from the left mass, 1.1 mm from the right
    const lesions = assembleLesions(image, [between], [left, right]);
    expect(lesions.map((l) => [l.kind, l.massIndex, l.clusterIndices])).toEqual([
      ['mass', 0, []],
      ['mc+mass', 1, [0]],
    ]);
    // Whatever the order of the masses.
    const swapped = assembleLesions(image, [between], [right, left]);
    expect(swapped.map((l) => [l.kind, l.massIndex, l.clusterIndices])).toEqual([
      ['mc+mass', 0, [0]],
      ['mass', 1, []],
    ]);
  });

  it('reuses precomputed mass vectors and refuses bad options', () => {
    const fake = Float64Array.from({ length: 26 }, (_, k) => k + 1);
    const [lesion] = assembleLesions(image, [], [mass1], { massFeatureVectors: [fake] });
    expect(Array.from(lesion.features.slice(15))).toEqual(Array.from(fake));
    expect(() => assembleLesions(image, [], [mass1], { massFeatureVectors: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => assembleLesions(image, [], [mass1], { massFeatureVectors: [new Float64Array(25)] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => assembleLesions(image, [], [mass1], { attachDistanceMm: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => assembleLesions(image, [{ mcs: [] }], [])).toThrow(
      expect.objectContaining({ code: 'EMPTY_REGION' }),
    );
    expect(assembleLesions(image, [], [])).toEqual([]);
  });
});
