import { FEATURE_SCHEMA_HASH, MASS_FEATURE_NAMES, MC_FEATURE_NAMES } from '@calcscope/features';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import type { ManifestRegion } from './region';
import { buildFeatureTables } from './tables';
import { analysisWith, entry, extracted, lesion } from './testing.fixtures';

const roi = (x: number, y: number): ManifestRegion => ({
  source: 'roi',
  units: 'px',
  x,
  y,
  width: 50,
  height: 50,
});

// Six images: every outcome once. Feature k of a lesion with base b is b + k (mcCount and massArea set).
const images = [
  // Region picks the mc+mass lesion (index 1) over a bigger false positive.
  extracted(
    entry('a', 2, 1, 'train', roi(100, 100)),
    analysisWith([
      lesion(0, 'mass', [600, 600, 90, 90], 0, 500, 1000),
      lesion(1, 'mc+mass', [110, 110, 30, 30], 7, 40, 2000),
    ]),
  ),
  // No region, two lesions: the rule takes the one with more MCs (index 0).
  extracted(
    entry('b', 3, 0, 'train'),
    analysisWith([
      lesion(0, 'mc', [10, 10, 20, 20], 9, 0, 3000),
      lesion(1, 'mass', [300, 300, 80, 80], 0, 900, 4000),
    ]),
    true,
  ),
  // No region, one mass lesion.
  extracted(entry('c', 4, 1, 'test'), analysisWith([lesion(0, 'mass', [50, 50, 40, 40], 0, 120, 5000)])),
  // No lesion at all.
  extracted(entry('d', 5, 0, 'test'), analysisWith([])),
  // Lesions, none in the region.
  extracted(
    entry('e', 6, 1, 'test', roi(800, 10)),
    analysisWith([lesion(0, 'mc', [10, 10, 20, 20], 4, 0, 6000)]),
  ),
  // Decode failure.
  extracted(entry('f', 7, 0, 'train'), null),
];

describe('buildFeatureTables', () => {
  const { tables, lesions, summary } = buildFeatureTables(images);

  it('labels one lesion per image by region, else by rule', () => {
    expect(lesions.map((l) => [l.id, l.lesionId, l.kind, l.pickedBy])).toEqual([
      ['a', 'lesion-2', 'mc+mass', 'region'],
      ['b', 'lesion-1', 'mc', 'rule'],
      ['c', 'lesion-1', 'mass', 'rule'],
    ]);
    expect(lesions[0].iou).toBeCloseTo(900 / 2500, 12);
  });

  it('puts lesions in the scenarios of their kind with the right columns and values', () => {
    expect(tables.mc).toMatchObject({ scenario: 'mc', rows: 2, ids: ['a', 'b'], split: ['train', 'train'] });
    expect(tables.mass).toMatchObject({
      scenario: 'mass',
      rows: 2,
      ids: ['a', 'c'],
      split: ['train', 'test'],
    });
    expect(tables.combined).toMatchObject({
      rows: 3,
      ids: ['a', 'b', 'c'],
      split: ['train', 'train', 'test'],
    });
    expect(tables.mc.featureNames).toEqual(MC_FEATURE_NAMES);
    expect(tables.mass.featureNames).toEqual(MASS_FEATURE_NAMES);
    expect(tables.combined.featureNames).toHaveLength(41);
    expect(tables.mc.x).toHaveLength(2 * 15);
    expect(tables.mass.x).toHaveLength(2 * 26);
    expect(tables.combined.x).toHaveLength(3 * 41);
    for (const t of Object.values(tables)) expect(t.schemaHash).toBe(FEATURE_SCHEMA_HASH);
    expect([...tables.combined.y]).toEqual([1, 0, 1]);
    expect([...tables.mass.y]).toEqual([1, 1]);
    // Row 0 of 'mc' is lesion a (base 2000): mcCount (feature 0) = 7, feature 1 = 2001.
    expect(tables.mc.x[0]).toBe(7);
    expect(tables.mc.x[1]).toBe(2001);
    // Row 1 of 'mass' is lesion c (base 5000): massArea first (= 120), then feature 16 of 41 = 5016.
    expect(tables.mass.x[26]).toBe(120);
    expect(tables.mass.x[27]).toBe(5016);
    // Row 1 of 'combined', column 40 (the last) of lesion b: 3040.
    expect(tables.combined.x[41 + 40]).toBe(3040);
  });

  it('summarises every image: failures, no-lesion lists, rule counts, splits', () => {
    expect(summary).toMatchObject({
      task: 'malignancy',
      images: 6,
      analysed: 5,
      cached: 1,
      labelled: 3,
      pickedByRegion: 1,
      pickedByRule: { count: 2, ids: ['b', 'c'] },
      ruleChoseAmongSeveral: 1,
      noLesion: { count: 1, ids: ['d'] },
      noLesionInRegion: { count: 1, ids: ['e'] },
      multiLesionImages: 2,
      scenarioRows: { mc: 2, mass: 2, combined: 3 },
      byLabel: { malignant: 2, benign: 1 },
      byKind: { mc: 1, mass: 1, 'mc+mass': 1 },
    });
    expect(summary.meanLesionsPerImage).toBeCloseTo(6 / 5, 12);
    expect(summary.failures).toEqual([{ id: 'f', row: 7, code: 'CORRUPT', message: 'bad pixel data' }]);
    expect(summary.bySplit.train).toEqual({
      images: 3,
      labelled: 2,
      byLabel: { malignant: 1, benign: 1 },
      byKind: { mc: 1, mass: 0, 'mc+mass': 1 },
    });
    expect(summary.bySplit.test).toMatchObject({
      images: 3,
      labelled: 1,
      byLabel: { benign: 0, malignant: 1 },
    });
    expect(summary.mmRegionOnAssumedSpacing.count).toBe(0);
  });

  it('flags mm regions converted with an assumed pixel spacing', () => {
    const mmRegion: ManifestRegion = { source: 'roi', units: 'mm', x: 10, y: 10, width: 5, height: 5 };
    const assumed = analysisWith([lesion(0, 'mc', [100, 100, 50, 50], 3, 0)]);
    const flagged = buildFeatureTables([
      extracted(entry('m', 2, 1, 'train', mmRegion), {
        ...assumed,
        image: { ...assumed.image, spacingAssumed: true },
      }),
      extracted(entry('n', 3, 0, 'train', mmRegion), assumed),
    ]);
    expect(flagged.summary.labelled).toBe(2);
    expect(flagged.summary.mmRegionOnAssumedSpacing).toEqual({ count: 1, ids: ['m'] });
  });

  it('refuses labelled lesions with non-finite features, listing each', () => {
    const bad = lesion(0, 'mc', [10, 10, 20, 20], 3, 0);
    bad.features.mcDensity = Number.POSITIVE_INFINITY;
    (bad.features as Record<string, unknown>).massSolidity = null; // NaN after a JSON round trip
    const error = (() => {
      try {
        buildFeatureTables([extracted(entry('g', 9, 1, 'train'), analysisWith([bad]))]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('INVALID_FEATURES');
    expect((error as DatasetError).problems.map((p) => [p.row, p.column])).toEqual([
      [9, 'mcDensity'],
      [9, 'massSolidity'],
    ]);
  });
});
