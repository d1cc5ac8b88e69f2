import { analyzeImage } from '@calcscope/analysis';
import { COMBINED_FEATURES, MASS_FEATURES, MC_FEATURES } from '@calcscope/features';
import { encodePhantomFiles, generatePhantom, mixedSpecs, type PhantomSpec } from '@calcscope/phantom';
import { beforeAll, describe, expect, it } from 'vitest';

const names = (defs: readonly { name: string }[]) => defs.map((d) => d.name);

/** A malignant-looking 1024² phantom with a grouped cluster and a 15 mm mass, fixed seed. */
function spec(): PhantomSpec {
  const base = mixedSpecs(1, 4242)[0];
  return {
    ...base,
    id: 'pipeline',
    lesionType: 'mc+mass',
    mc: { morphology: 'fine-pleomorphic', distribution: 'grouped', count: 15 },
    mass: { shape: 'irregular', margin: 'spiculated', diameterMm: 15 },
  };
}

describe('analyzeImage on a phantom (decode → segment → features → lesions)', () => {
  const phantom = generatePhantom(spec());
  let files: Awaited<ReturnType<typeof encodePhantomFiles>>;
  beforeAll(async () => {
    files = await encodePhantomFiles(phantom);
  });

  it('returns the documented JSON contract with features in schema order', async () => {
    const { result } = await analyzeImage(files.dicom);
    expect(Object.keys(result)).toEqual(['image', 'clusters', 'masses', 'lesions', 'timingsMs']);
    expect(result.image).toMatchObject({ width: 1024, height: 1024, format: 'dicom', spacingAssumed: false });
    expect(result.image.pixelSpacingMm[0]).toBeCloseTo(0.1, 6);
    for (const c of result.clusters) {
      expect(Object.keys(c.features)).toEqual(names(MC_FEATURES));
      expect(c.mcCount).toBe(c.microcalcifications.length);
      expect(c.features.mcCount).toBe(c.mcCount);
    }
    for (const m of result.masses) {
      expect(Object.keys(m.features)).toEqual(names(MASS_FEATURES));
      expect(m.contour.length).toBeGreaterThan(8);
    }
    expect(result.lesions.length).toBeGreaterThan(0);
    for (const l of result.lesions) {
      expect(Object.keys(l.features)).toEqual(names(COMBINED_FEATURES));
      for (const v of Object.values(l.features)) expect(Number.isFinite(v)).toBe(true);
    }
    for (const stage of ['decode', 'detectMicrocalcifications', 'segmentMasses', 'features', 'total']) {
      expect(result.timingsMs[stage]).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('finds the rendered mass and cluster and joins them into one mc+mass lesion', async () => {
    const { result } = await analyzeImage(files.dicom);
    const spacing = result.image.pixelSpacingMm[1];
    const truthMass = phantom.truth.masses[0];
    const mass = result.masses.find(
      (m) => Math.hypot(m.centroid.x - truthMass.centre.x, m.centroid.y - truthMass.centre.y) * spacing < 5,
    );
    expect(mass, 'a detected mass within 5 mm of the truth centre').toBeDefined();
    const truthArea = (Math.PI * truthMass.diameterMm ** 2) / 4;
    expect(mass?.features.massArea).toBeGreaterThan(truthArea * 0.5);
    expect(mass?.features.massArea).toBeLessThan(truthArea * 2);

    const truthCluster = phantom.truth.clusters[0];
    const cluster = result.clusters.find(
      (c) =>
        Math.hypot(c.centroid.x - truthCluster.centroid.x, c.centroid.y - truthCluster.centroid.y) * spacing <
        10,
    );
    expect(cluster, 'a detected cluster within 10 mm of the truth cluster').toBeDefined();
    const lesion = result.lesions.find((l) => l.clusterIds.includes(cluster?.id ?? '?'));
    if (lesion?.massId === mass?.id) expect(lesion?.kind).toBe('mc+mass');
  });

  it('gives the same findings from the DICOM and the PNG of the same phantom', async () => {
    const [fromDicom, fromPng] = await Promise.all([analyzeImage(files.dicom), analyzeImage(files.png)]);
    expect(fromPng.result.image.format).toBe('png');
    expect(fromPng.result.clusters.length).toBe(fromDicom.result.clusters.length);
    expect(fromPng.result.masses.length).toBe(fromDicom.result.masses.length);
    for (const [i, c] of fromDicom.result.clusters.entries()) {
      expect(fromPng.result.clusters[i].mcCount).toBe(c.mcCount);
    }
  });
});
