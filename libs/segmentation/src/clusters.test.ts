import { regionFromIndices } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { clusterMicrocalcifications } from './clusters';
import type { Microcalcification } from './types';

const SPACING = { pixelSpacingMm: { row: 0.1, col: 0.1 } };
const WIDTH = 2000;

/** A one-pixel MC at pixel (x, y) of a 2000-pixel-wide image. */
function mcAt(x: number, y: number, cnr = 10): Microcalcification {
  return {
    region: regionFromIndices([y * WIDTH + x], WIDTH),
    centroid: { x, y },
    diameterMm: 0.11,
    cnr,
  };
}

describe('clusterMicrocalcifications', () => {
  it('does not call a lone MC or a pair a cluster', () => {
    expect(clusterMicrocalcifications([mcAt(100, 100)], SPACING)).toEqual([]);
    expect(clusterMicrocalcifications([mcAt(100, 100), mcAt(120, 100)], SPACING)).toEqual([]);
  });

  it('groups three MCs within 1 cm² and reports box and centroid', () => {
    const mcs = [mcAt(100, 100), mcAt(130, 100), mcAt(115, 140)];
    const clusters = clusterMicrocalcifications(mcs, SPACING);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].mcs).toHaveLength(3);
    expect(clusters[0].bbox).toEqual({ x0: 100, y0: 100, x1: 131, y1: 141 });
    expect(clusters[0].centroid.x).toBeCloseTo(115, 10);
    expect(clusters[0].centroid.y).toBeCloseTo(340 / 3, 10);
  });

  it('keeps MCs farther apart than the link distance in separate groups', () => {
    // Two triplets 30 mm apart (link distance 7 mm), plus a far single MC.
    const mcs = [
      mcAt(100, 100),
      mcAt(120, 100),
      mcAt(110, 120),
      mcAt(400, 100),
      mcAt(420, 100),
      mcAt(410, 120),
      mcAt(900, 900),
    ];
    const clusters = clusterMicrocalcifications(mcs, SPACING);
    expect(clusters).toHaveLength(2);
    expect(clusters.map((c) => c.mcs.length)).toEqual([3, 3]);
    expect(clusters[1].centroid.x).toBeCloseTo(410, 10);
  });

  it('links in physical units: the same layout at 0.05 mm spacing is twice as many pixels apart', () => {
    // 4.5 mm apart in a chain: linked at 5 mm, not at 4 mm.
    const fine = { pixelSpacingMm: { row: 0.05, col: 0.05 } };
    const mcs = [mcAt(100, 100), mcAt(190, 100), mcAt(280, 100)];
    expect(clusterMicrocalcifications(mcs, fine)).toHaveLength(1);
    expect(clusterMicrocalcifications(mcs, fine, { linkDistanceMm: 4 })).toHaveLength(0);
  });

  it('applies the density rule: a sparse chain linked at 5 mm is not a cluster at a small density area', () => {
    const mcs = [mcAt(100, 100), mcAt(145, 100), mcAt(190, 100)];
    expect(clusterMicrocalcifications(mcs, SPACING)).toHaveLength(1);
    // Disk of 40 mm² has radius 3.57 mm: the three span 9 mm, so no such disk holds them.
    expect(clusterMicrocalcifications(mcs, SPACING, { densityAreaMm2: 40 })).toHaveLength(0);
    // At 64 mm² (radius 4.51 mm) the disk centred on the middle MC holds all three.
    expect(clusterMicrocalcifications(mcs, SPACING, { densityAreaMm2: 64 })).toHaveLength(1);
  });

  it('counts MCs in a 1 cm² disk anywhere, not only one centred on an MC', () => {
    // A–B 6.93 mm, B–C 2.09 mm, A–C 7.63 mm: no MC has both others within 5.64 mm, but the disk
    // through A and C (radius 3.8 mm) holds all three.
    const mcs = [mcAt(100, 100), mcAt(106, 169), mcAt(86, 175)];
    const [cluster] = clusterMicrocalcifications(mcs, SPACING);
    expect(cluster.mcs).toHaveLength(3);
    // A disk of radius 3.7 mm (43 mm²) is too small for them.
    expect(clusterMicrocalcifications(mcs, SPACING, { densityAreaMm2: 43 })).toHaveLength(0);
  });

  it('needs two strong members: weak candidates join a cluster but cannot make one', () => {
    // Below the strong level (4.5) but at the link level (4.3): three such MCs link yet are no cluster.
    const weak = [mcAt(100, 100, 4.4), mcAt(130, 100, 4.4), mcAt(115, 140, 4.4)];
    expect(clusterMicrocalcifications(weak, SPACING)).toHaveLength(0);
    const mixed = [mcAt(100, 100, 7), mcAt(130, 100, 7), mcAt(115, 140, 4.4)];
    const clusters = clusterMicrocalcifications(mixed, SPACING);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].mcs).toHaveLength(3);
    expect(clusterMicrocalcifications(weak, SPACING, { minStrongCount: 0 })).toHaveLength(1);
  });

  it('lets weak MCs join the nearest group but not link groups into a chain', () => {
    // Two strong triplets 20 mm apart, bridged by weak MCs (CNR 4.2 < linkCnr 4.3) every 2.5 mm.
    const left = [mcAt(100, 100), mcAt(120, 100), mcAt(110, 120)];
    const right = [mcAt(320, 100), mcAt(340, 100), mcAt(330, 120)];
    const bridge = [145, 170, 195, 220, 245, 270, 295].map((x) => mcAt(x, 100, 4.2));
    const mcs = [...left, ...right, ...bridge];
    const clusters = clusterMicrocalcifications(mcs, SPACING);
    expect(clusters).toHaveLength(2);
    // Each triplet takes the weak MCs within 3 mm of its members: x = 145 (2.5 mm from 120) on the
    // left, x = 295 (2.5 mm from 320) on the right; the rest stay out.
    expect(clusters.map((c) => c.mcs.length)).toEqual([4, 4]);
    // When every MC links, the bridge chains both into one sprawling group.
    const chained = clusterMicrocalcifications(mcs, SPACING, { linkCnr: 0 });
    expect(chained).toHaveLength(1);
    expect(chained[0].mcs).toHaveLength(13);
  });

  it('keeps candidates below the attach level out of clusters', () => {
    const triplet = [mcAt(100, 100), mcAt(120, 100), mcAt(110, 120)];
    const faint = mcAt(100, 120, 3.7);
    const [cluster] = clusterMicrocalcifications([...triplet, faint], SPACING);
    expect(cluster.mcs).toHaveLength(3);
    const [padded] = clusterMicrocalcifications([...triplet, faint], SPACING, { attachCnr: 3.6 });
    expect(padded.mcs).toHaveLength(4);
  });

  it('raises the strong level with the logarithm of the area searched', () => {
    const mcs = [mcAt(100, 100, 5.5), mcAt(130, 100, 5.5), mcAt(115, 120, 4)];
    expect(clusterMicrocalcifications(mcs, SPACING, { searchAreaMm2: 4000 })).toHaveLength(1);
    // 5000 mm² · e²: level 4.5 + 0.7 · 2 = 5.9 > 5.5.
    expect(clusterMicrocalcifications(mcs, SPACING, { searchAreaMm2: 5000 * Math.exp(2) })).toHaveLength(0);
    // e^1: 5.2 ≤ 5.5.
    expect(clusterMicrocalcifications(mcs, SPACING, { searchAreaMm2: 5000 * Math.E })).toHaveLength(1);
  });

  it('does not call a group a cluster where the rest of the breast makes it likely by chance', () => {
    const triplet = [mcAt(100, 100), mcAt(130, 100), mcAt(115, 140)];
    // 60 strong MCs 15 mm apart (too far to link) over the 5000 mm² searched: 1.2 per 1 cm² window,
    // so 50 windows · P(Poisson(1.2) ≥ 3) ≈ 6 windows with three by chance.
    const scattered: Microcalcification[] = [];
    for (let i = 0; i < 10; i++)
      for (let j = 0; j < 6; j++) scattered.push(mcAt(500 + 150 * i, 500 + 150 * j));
    expect(clusterMicrocalcifications(triplet, SPACING)).toHaveLength(1);
    expect(clusterMicrocalcifications([...triplet, ...scattered], SPACING)).toHaveLength(0);
    expect(
      clusterMicrocalcifications([...triplet, ...scattered], SPACING, { maxChanceGroups: 1e9 }),
    ).toHaveLength(1);
    // Strong MCs within backgroundExclusionMm of a member are the group's surroundings, not
    // background (default 10 mm: none of these); with every one of them within reach, none is left.
    expect(
      clusterMicrocalcifications([...triplet, ...scattered], SPACING, { backgroundExclusionMm: 300 }),
    ).toHaveLength(1);
    // Six strong MCs in 1 cm² still stand out: 50 · P(Poisson(1.2) ≥ 6) ≈ 0.08 ≤ 0.5.
    const six = [...triplet, mcAt(100, 130), mcAt(130, 130), mcAt(115, 115)];
    const [cluster] = clusterMicrocalcifications([...six, ...scattered], SPACING);
    expect(cluster.mcs).toHaveLength(6);
  });

  it('rejects bad options', () => {
    expect(() => clusterMicrocalcifications([], SPACING, { minCount: 2.5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => clusterMicrocalcifications([], SPACING, { linkDistanceMm: -1 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => clusterMicrocalcifications([], SPACING, { maxChanceGroups: Number.NaN })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
