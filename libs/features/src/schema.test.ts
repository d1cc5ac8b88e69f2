import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COMBINED_FEATURE_NAMES,
  COMBINED_FEATURES,
  FEATURE_SCHEMA_HASH,
  FEATURE_SCHEMA_VERSION,
  featureVectorToRecord,
  MASS_FEATURES,
  MC_FEATURES,
  recordToFeatureVector,
} from './schema';

describe('feature schema', () => {
  it('has 15 MC, 26 mass and 41 combined features, MC first, names unique and camelCase', () => {
    expect(MC_FEATURES).toHaveLength(15);
    expect(MASS_FEATURES).toHaveLength(26);
    expect(COMBINED_FEATURES).toHaveLength(41);
    expect(COMBINED_FEATURES.slice(0, 15)).toEqual(MC_FEATURES);
    expect(COMBINED_FEATURES.slice(15)).toEqual(MASS_FEATURES);
    expect(new Set(COMBINED_FEATURE_NAMES).size).toBe(41);
    for (const f of COMBINED_FEATURES) expect(f.name).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(MC_FEATURES.every((f) => f.name.startsWith('mc'))).toBe(true);
    expect(MASS_FEATURES.every((f) => f.name.startsWith('mass'))).toBe(true);
  });

  it('marks the 12 MC and 20 mass features Wang 2016 names, each with the paper wording', () => {
    expect(MC_FEATURES.filter((f) => f.namedInPaper)).toHaveLength(12);
    expect(MASS_FEATURES.filter((f) => f.namedInPaper)).toHaveLength(20);
    const paperMc = [
      'average diameter',
      'MC area',
      'MC density',
      'circularity proportion',
      'solidity',
      'sandy MC',
      'spiculation',
      'volume ratio',
      'mean gray value',
      'MC number',
      'circularity',
      'linear MC',
    ];
    expect(
      MC_FEATURES.filter((f) => f.namedInPaper)
        .map((f) => f.paperName)
        .sort(),
    ).toEqual([...paperMc].sort());
    const paperMass = [
      'area',
      'solidity',
      'elongation',
      'axis ratio',
      'heterogeneity',
      'spiculation',
      'volume ratio',
      'convexity',
      'mean gray',
      'maximum gray',
      'gray relativity',
      'entropy',
      'inverse difference entropy',
      'difference entropy',
      'correlation',
      'difference variance',
      'sum average',
      'sum variance',
      'energy',
      'mutual information',
    ];
    expect(
      MASS_FEATURES.filter((f) => f.namedInPaper)
        .map((f) => f.paperName)
        .sort(),
    ).toEqual([...paperMass].sort());
    expect(COMBINED_FEATURES.filter((f) => !f.namedInPaper).every((f) => f.paperName === undefined)).toBe(
      true,
    );
  });

  it('hashes the version, names and units: recomputed here from a hand-built canonical JSON', () => {
    const body = COMBINED_FEATURES.map((f) => `["${f.name}","${f.unit}"]`).join(',');
    const canonical = `{"version":"${FEATURE_SCHEMA_VERSION}","features":[${body}]}`;
    const expected = createHash('sha256').update(Buffer.from(canonical, 'utf8')).digest('hex');
    expect(FEATURE_SCHEMA_HASH).toBe(expected);
    expect(FEATURE_SCHEMA_HASH).toMatch(/^[0-9a-f]{64}$/);
    expect(FEATURE_SCHEMA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('round-trips vectors through records, keys in schema order', () => {
    const vector = Float64Array.from({ length: 41 }, (_, k) => k * 1.5 - 3);
    const record = featureVectorToRecord(COMBINED_FEATURES, vector);
    expect(Object.keys(record)).toEqual(COMBINED_FEATURE_NAMES);
    expect(record.mcCount).toBe(-3);
    expect(record.massArea).toBe(15 * 1.5 - 3);
    expect(Array.from(recordToFeatureVector(COMBINED_FEATURES, record))).toEqual(Array.from(vector));
    // A 41-feature record yields the 26 mass features, by name.
    expect(Array.from(recordToFeatureVector(MASS_FEATURES, record))).toEqual(Array.from(vector.slice(15)));
    expect(featureVectorToRecord(['a', 'b'], [1, 2])).toEqual({ a: 1, b: 2 });
  });

  it('refuses length mismatches and missing or non-numeric features', () => {
    expect(() => featureVectorToRecord(MC_FEATURES, new Float64Array(14))).toThrow(
      expect.objectContaining({ code: 'LENGTH_MISMATCH' }),
    );
    expect(() => recordToFeatureVector(['a', 'b'], { a: 1 })).toThrow(
      expect.objectContaining({ code: 'MISSING_FEATURE' }),
    );
    expect(() => recordToFeatureVector(['a'], { a: '1' })).toThrow(
      expect.objectContaining({ code: 'MISSING_FEATURE' }),
    );
    expect(() => recordToFeatureVector(['toString'], {})).toThrow(
      expect.objectContaining({ code: 'MISSING_FEATURE' }),
    );
  });
});
