import { describe, expect, it } from 'vitest';
import { cohortSpecs, mixedSpecs } from './cohorts';
import { PhantomSpecError } from './errors';
import type { PhantomSpec } from './types';
import { validateSpec } from './validate';

const tally = <K extends string>(
  specs: readonly PhantomSpec[],
  key: (s: PhantomSpec) => K,
): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of specs) out[key(s)] = (out[key(s)] ?? 0) + 1;
  return out;
};

/** Mann–Whitney AUC of a score between malignant (positive) and benign specs. */
function auc(
  specs: readonly PhantomSpec[],
  score: (s: PhantomSpec) => number,
  positive: (s: PhantomSpec) => boolean,
): number {
  const pos = specs.filter(positive).map(score);
  const neg = specs.filter((s) => !positive(s)).map(score);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe("cohortSpecs('wang2016')", () => {
  const specs = cohortSpecs('wang2016', 1204, 2016);

  it("reproduces Wang 2016's counts exactly at n = 1204", () => {
    expect(specs.length).toBe(1204);
    expect(tally(specs, (s) => s.label)).toEqual({ benign: 774, malignant: 430 });
    const train = specs.filter((s) => s.split === 'train');
    const test = specs.filter((s) => s.split === 'test');
    expect(tally(train, (s) => s.label)).toEqual({ benign: 677, malignant: 323 });
    expect(tally(test, (s) => s.label)).toEqual({ benign: 97, malignant: 107 });
    expect(tally(train, (s) => s.lesionType)).toEqual({ mc: 623, mass: 221, 'mc+mass': 156 });
    expect(tally(test, (s) => s.lesionType)).toEqual({ mc: 110, mass: 35, 'mc+mass': 59 });
    expect(tally(train, (s) => s.subtype)).toEqual({
      fibrocystic: 491,
      fibroadenoma: 71,
      'follow-up': 88,
      papilloma: 11,
      phyllodes: 8,
      hyperplasia: 6,
      inflammation: 2,
      IDC: 222,
      DCIS: 85,
      intraductal: 8,
      mucinous: 4,
      other: 4,
    });
    // Train comes first; ids are unique; every spec is renderable.
    expect(specs.slice(0, 1000).every((s) => s.split === 'train')).toBe(true);
    expect(new Set(specs.map((s) => s.id)).size).toBe(1204);
    expect(new Set(specs.map((s) => s.seed)).size).toBe(1204);
    for (const s of specs) validateSpec(s);
  });

  it('scales proportionally (largest remainder) for other sizes', () => {
    const half = cohortSpecs('wang2016', 602, 1);
    expect(half.filter((s) => s.split === 'train').length).toBe(500);
    expect(half.filter((s) => s.split === 'test').length).toBe(102);
    const trainLabels = tally(
      half.filter((s) => s.split === 'train'),
      (s) => s.label,
    );
    expect(Math.abs(trainLabels.benign - 338.5)).toBeLessThanOrEqual(0.5);
    const small = cohortSpecs('wang2016', 5, 1);
    expect(small.length).toBe(5);
  });

  it('draws class-conditional descriptors that lean by class but overlap', () => {
    const malignant = (s: PhantomSpec): boolean => s.label === 'malignant';
    const withMc = specs.filter((s) => s.mc);
    const suspicious = (s: PhantomSpec): number =>
      ['punctate', 'amorphous', 'coarse-heterogeneous', 'fine-pleomorphic', 'fine-linear-branching'].indexOf(
        s.mc?.morphology ?? '',
      );
    const morphologyAuc = auc(withMc, suspicious, malignant);
    expect(morphologyAuc).toBeGreaterThan(0.65);
    expect(morphologyAuc).toBeLessThan(0.9);
    const ageAuc = auc(specs, (s) => s.age, malignant);
    expect(ageAuc).toBeGreaterThan(0.6);
    expect(ageAuc).toBeLessThan(0.85);
    const biradsAuc = auc(specs, (s) => s.birads, malignant);
    expect(biradsAuc).toBeGreaterThan(0.6);
    expect(biradsAuc).toBeLessThan(0.9);
    // Every morphology, distribution, shape and margin occurs in both classes.
    for (const label of ['benign', 'malignant'] as const) {
      const ofClass = specs.filter((s) => s.label === label);
      expect(
        Object.keys(
          tally(
            ofClass.filter((s) => s.mc),
            (s) => s.mc!.morphology,
          ),
        ).length,
      ).toBe(5);
      expect(
        Object.keys(
          tally(
            ofClass.filter((s) => s.mc),
            (s) => s.mc!.distribution,
          ),
        ).length,
      ).toBe(5);
      expect(
        Object.keys(
          tally(
            ofClass.filter((s) => s.mass),
            (s) => s.mass!.shape,
          ),
        ).length,
      ).toBe(4);
      expect(
        Object.keys(
          tally(
            ofClass.filter((s) => s.mass),
            (s) => s.mass!.margin,
          ),
        ).length,
      ).toBe(4);
    }
    const vendors = tally(specs, (s) => s.vendor);
    expect(Object.keys(vendors).sort()).toEqual(['ge-like', 'siemens-like']);
  });

  it('is deterministic for a seed', () => {
    expect(cohortSpecs('wang2016', 50, 3)).toEqual(cohortSpecs('wang2016', 50, 3));
    expect(cohortSpecs('wang2016', 50, 3)).not.toEqual(cohortSpecs('wang2016', 50, 4));
  });
});

describe("cohortSpecs('dcis-idc')", () => {
  const specs = cohortSpecs('dcis-idc', 294, 2025, { size: 'full' });

  it('has 106 DCIS : 188 IDC, three splits and a second centre for external validation', () => {
    expect(tally(specs, (s) => s.subtype)).toEqual({ DCIS: 106, IDC: 188 });
    expect(specs.every((s) => s.label === 'malignant' && s.size === 'full' && s.mc)).toBe(true);
    const splits = tally(specs, (s) => s.split);
    expect(splits.train + splits.internal + splits.external).toBe(294);
    expect(splits.external).toBe(32 + 56);
    const vendorBySplit = tally(specs, (s) => `${s.split}:${s.vendor}`);
    expect(Object.keys(vendorBySplit).sort()).toEqual([
      'external:hologic-like',
      'internal:ge-like',
      'train:ge-like',
    ]);
  });

  it('leans DCIS to linear/segmental fine-linear MCs without a mass, IDC to masses — with overlap', () => {
    const dcis = specs.filter((s) => s.subtype === 'DCIS');
    const idc = specs.filter((s) => s.subtype === 'IDC');
    const share = (group: PhantomSpec[], test: (s: PhantomSpec) => boolean): number =>
      group.filter(test).length / group.length;
    const linear = (s: PhantomSpec): boolean => s.mc?.morphology === 'fine-linear-branching';
    const ductal = (s: PhantomSpec): boolean =>
      s.mc?.distribution === 'linear' || s.mc?.distribution === 'segmental';
    const hasMass = (s: PhantomSpec): boolean => s.lesionType === 'mc+mass';
    expect(share(dcis, linear)).toBeGreaterThan(share(idc, linear));
    expect(share(dcis, ductal)).toBeGreaterThan(share(idc, ductal));
    expect(share(idc, hasMass)).toBeGreaterThan(share(dcis, hasMass));
    for (const test of [linear, ductal, hasMass]) {
      expect(share(dcis, test)).toBeGreaterThan(0.05);
      expect(share(idc, test)).toBeGreaterThan(0.05);
    }
  });
});

describe('mixedSpecs and errors', () => {
  it('mixes lesion types and labels', () => {
    const specs = mixedSpecs(60, 8);
    expect(Object.keys(tally(specs, (s) => s.lesionType)).sort()).toEqual(['mass', 'mc', 'mc+mass']);
    expect(Object.keys(tally(specs, (s) => s.label)).sort()).toEqual(['benign', 'malignant']);
    expect(specs.every((s) => s.split === 'none')).toBe(true);
    expect(specs[0].id).toBe('phantom-0001');
  });

  it('rejects bad counts and seeds', () => {
    expect(() => cohortSpecs('wang2016', 0, 1)).toThrow(PhantomSpecError);
    expect(() => mixedSpecs(3, -2)).toThrow(PhantomSpecError);
    expect(() => cohortSpecs('nope' as never, 3, 1)).toThrow(PhantomSpecError);
  });
});
