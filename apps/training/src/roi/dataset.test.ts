import { generatePhantom, type PhantomTruth, toGrayImage } from '@calcscope/phantom';
import { describe, expect, it } from 'vitest';
import {
  buildRoiDataset,
  roiCentre,
  roiCohortSpecs,
  selectSplits,
  splitCounts,
  subsetIdentity,
} from './dataset';
import { cutRoi, DEFAULT_ROI_SPEC, roiPreprocessingText, zscoreRoi } from './roi-spec';

function truthWith(clusters: unknown[], mcs: { x: number; y: number }[]): PhantomTruth {
  return {
    clusters,
    microcalcifications: mcs,
    pixelSpacingMm: { row: 0.1, col: 0.1 },
  } as unknown as PhantomTruth;
}

describe('ROI dataset', () => {
  it('z-scores an ROI to mean 0 and population SD 1; a constant ROI becomes zeros', () => {
    const roi = zscoreRoi(Float32Array.of(1, 2, 3, 4));
    const mean = roi.reduce((s, v) => s + v, 0) / 4;
    const variance = roi.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 6);
    expect(roi[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 6);
    expect(Array.from(zscoreRoi(new Float32Array(5).fill(0.3)))).toEqual([0, 0, 0, 0, 0]);
  });

  it('centres on the largest cluster, else on the MC with the most neighbours within half the ROI', () => {
    const clusters = [
      { id: 'cluster-1', centroid: { x: 10, y: 20 }, mcIds: ['a', 'b'] },
      { id: 'cluster-2', centroid: { x: 300, y: 40 }, mcIds: ['c', 'd', 'e'] },
    ];
    expect(roiCentre(truthWith(clusters, []), 25.6)).toEqual({
      centre: { x: 300, y: 40 },
      source: 'cluster',
      clusterId: 'cluster-2',
    });
    // Half of 25.6 mm at 0.1 mm = 128 px: the three MCs around (500, 500) beat the isolated pair.
    const mcs = [
      { x: 100, y: 100 },
      { x: 400, y: 100 },
      { x: 500, y: 500 },
      { x: 560, y: 520 },
      { x: 450, y: 470 },
    ];
    const centre = roiCentre(truthWith([], mcs), 25.6);
    expect(centre?.source).toBe('mc-density');
    expect(centre?.centre).toEqual({ x: 500, y: 500 });
    expect(roiCentre(truthWith([], []), 25.6)).toBeNull();
  });

  it('cuts truth-centred, z-scored ROIs with DCIS/IDC labels and clinical fields', () => {
    const specs = roiCohortSpecs('dcis-idc', 12, 3).slice(0, 3);
    const progress: number[] = [];
    const dataset = buildRoiDataset('dcis-idc', specs, DEFAULT_ROI_SPEC, (done) => progress.push(done));
    expect(progress).toEqual([1, 2, 3]);
    expect(dataset.images.length).toBe(dataset.cases.length * 64 * 64);
    dataset.cases.forEach((c, i) => {
      const spec = specs.find((s) => s.id === c.id);
      expect(c.label).toBe(spec?.subtype === 'IDC' ? 1 : 0);
      expect(c.lesionType).toBe(spec?.lesionType);
      expect(c.birads).toBe(spec?.birads);
      // The stored ROI is exactly cutRoi of the rendered image at the recorded centre.
      const phantom = generatePhantom(spec as (typeof specs)[number]);
      const expected = cutRoi(toGrayImage(phantom), c.centre, DEFAULT_ROI_SPEC);
      expect(Array.from(dataset.images.subarray(i * 4096, (i + 1) * 4096))).toEqual(Array.from(expected));
      if (c.source === 'cluster') {
        const cluster = phantom.truth.clusters.find((k) => k.id === c.clusterId);
        expect(c.centre).toEqual({ x: cluster?.centroid.x, y: cluster?.centroid.y });
      }
    });
    const subset = selectSplits(dataset, ['train']);
    expect(subset.labels.length).toBe(dataset.cases.filter((c) => c.split === 'train').length);
    const identity = subsetIdentity(subset, 'test');
    expect(identity.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(identity.rows).toBe(subset.labels.length);
    const counts = splitCounts(dataset);
    expect(Object.values(counts).reduce((s, c) => s + c.negatives + c.positives, 0)).toBe(
      dataset.cases.length,
    );
  });

  it('wang2016 keeps only cases with MCs; the preprocessing text states size, samples and scaling', () => {
    const specs = roiCohortSpecs('wang2016', 60, 1);
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.every((s) => s.lesionType !== 'mass')).toBe(true);
    expect(() => roiCohortSpecs('other' as 'wang2016', 10, 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(roiPreprocessingText(DEFAULT_ROI_SPEC)).toMatch(
      /25\.6 mm .* 64×64 \(0\.4 mm per sample.*z-scored/,
    );
  });
});
