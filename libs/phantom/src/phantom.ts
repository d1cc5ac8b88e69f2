/**
 * generatePhantom: one deterministic synthetic mammogram and its ground truth.
 *
 * Pipeline (each stage has its own random stream derived from spec.seed):
 *   breast outline + pectoral (anatomy) → power-law texture (texture) → background signal →
 *   mass(es) → microcalcifications → detector blur → noise, contrast transfer, quantisation (noise).
 */
import type { BBox, GrayImage, Point } from '@calcscope/imaging';
import {
  breastPolygon,
  columnOfU,
  drawBreastGeometry,
  findInteriorPoint,
  pectoralPolygon,
  renderBreast,
} from './anatomy';
import { gaussianBlur } from './blur';
import { expose, signalNoiseSigma, transferCurve, transferSlope } from './detector';
import { drawMassBody, drawSpicules, massPolygon, renderMass } from './mass';
import { layoutMcs, type McAnchor } from './mc-layout';
import { renderMc } from './mc-render';
import { capsuleCentreline, type McShape } from './mc-shape';
import { classKeyOf, PHANTOM_PARAMETERS, vendorProfile } from './parameters';
import { polygonCentroid } from './polygon';
import { deriveSeed, Rng } from './random';
import { multiScaleTexture } from './texture';
import type { Phantom, PhantomSpec, TruthCluster, TruthMass, TruthMicrocalcification } from './types';
import { validateSpec } from './validate';

/**
 * Renders the image a spec describes, with its ground truth.
 *
 * Deterministic: the same spec gives byte-identical pixels and an identical truth.
 *
 * @param spec - what to render (see PhantomSpec; `phantomSpec()` fills defaults).
 * @returns pixels (Uint8Array for size '1024', Uint16Array with 12 bits stored for 'full') and truth.
 * @throws PhantomSpecError when the spec is inconsistent (see validateSpec).
 */
export function generatePhantom(spec: PhantomSpec): Phantom {
  validateSpec(spec);
  const size = PHANTOM_PARAMETERS.sizes[spec.size];
  const vendor = vendorProfile(spec.vendor);
  const spacing = size.pitchMm * vendor.pitchScale;
  const { width, height } = size;
  const bitsStored = size.bitsStored as 8 | 12;
  const noiseScale = spec.noiseScale ?? 1;
  const pixelArea = spacing * spacing;
  const geometry = drawBreastGeometry(
    width,
    height,
    spacing,
    spec.view,
    spec.laterality,
    new Rng(deriveSeed(spec.seed, 'anatomy')),
  );
  const texture = multiScaleTexture(
    width,
    height,
    spacing,
    spec.beta,
    size.textureFactor,
    new Rng(deriveSeed(spec.seed, 'texture')),
    PHANTOM_PARAMETERS.tissue.anatomicalSmoothingMm,
  );
  const signal = new Float32Array(width * height);
  renderBreast(signal, geometry, texture, spec.density);

  const classKey = classKeyOf(spec.label, spec.subtype);
  const lesionRng = new Rng(deriveSeed(spec.seed, 'lesions'));
  const masses: TruthMass[] = [];
  let anchor: McAnchor | null = null;
  /** Converts a signal-domain contrast on a background to output [0, 1] units. */
  const outputContrast = (background: number, added: number): number =>
    transferCurve(vendor, background + added) - transferCurve(vendor, background);
  const outputNoise = (background: number): number =>
    noiseScale * transferSlope(vendor, background) * signalNoiseSigma(vendor, pixelArea, background);

  if (spec.mass) {
    const p = PHANTOM_PARAMETERS.mass;
    const body = drawMassBody(spec.mass, lesionRng);
    const spicules = drawSpicules(body, spec.mass, lesionRng);
    const centre = findInteriorPoint(geometry, (body.maxRadiusMm + p.skinMarginMm) / spacing, lesionRng);
    const blur = p.marginBlurMm[spec.mass.margin];
    const blurMm = lesionRng.uniform(blur[0], blur[1]);
    const contrast =
      p.contrastPeak *
      (1 - Math.exp(-spec.mass.diameterMm / p.contrastScaleMm)) *
      lesionRng.uniform(p.contrastJitter[0], p.contrastJitter[1]);
    const cx = columnOfU(geometry, centre.u);
    const background = signal[Math.round(centre.y) * width + Math.round(cx)];
    renderMass(signal, body, spicules, cx, centre.y, {
      width,
      height,
      spacingRowMm: spacing,
      spacingColMm: spacing,
      contrast,
      blurMm,
      airLevel: PHANTOM_PARAMETERS.tissue.air + 0.01,
    });
    const polygon = massPolygon(body, cx, centre.y, spacing, spacing);
    masses.push({
      id: 'mass-1',
      shape: spec.mass.shape,
      margin: spec.mass.margin,
      diameterMm: body.diameterMm,
      maxDiameterMm: body.maxDiameterMm,
      centre: polygonCentroid(polygon),
      polygon,
      contrast: outputContrast(background, contrast),
      marginBlurMm: blurMm,
      spiculeCount: spicules.length,
    });
    anchor = { u: centre.u, y: centre.y, radiusPx: body.meanRadiusMm / spacing };
  }

  const microcalcifications: TruthMicrocalcification[] = [];
  const clusters: TruthCluster[] = [];
  if (spec.mc) {
    const p = PHANTOM_PARAMETERS.mc;
    const placed = layoutMcs(spec.mc, classKey, geometry, spacing, anchor, lesionRng);
    const clustered = spec.mc.distribution !== 'diffuse';
    const clusterId = clustered ? 'cluster-1' : null;
    const renderOptions = {
      width,
      height,
      spacingRowMm: spacing,
      spacingColMm: spacing,
      amplitude: p.contrastAmplitude,
      tauMm: p.contrastTauMm,
    };
    let bx0 = Number.POSITIVE_INFINITY;
    let by0 = Number.POSITIVE_INFINITY;
    let bx1 = Number.NEGATIVE_INFINITY;
    let by1 = Number.NEGATIVE_INFINITY;
    placed.forEach((mc, k) => {
      const background = signal[Math.round(mc.y) * width + Math.round(mc.x)];
      const peak = renderMc(signal, mc.shape, p.attenuation[mc.morphology], mc.x, mc.y, renderOptions);
      microcalcifications.push({
        id: `mc-${k + 1}`,
        x: mc.x,
        y: mc.y,
        diameterMm: mc.shape.diameterMm,
        lengthMm: mc.shape.lengthMm,
        ...centrelineOf(mc.shape, mc.x, mc.y, spacing),
        morphology: mc.morphology,
        clusterId,
        contrast: outputContrast(background, peak),
        noiseSigma: outputNoise(background),
      });
      const reach = mc.shape.extentMm / spacing;
      bx0 = Math.min(bx0, mc.x - reach);
      by0 = Math.min(by0, mc.y - reach);
      bx1 = Math.max(bx1, mc.x + reach);
      by1 = Math.max(by1, mc.y + reach);
    });
    if (clusterId && placed.length > 0) {
      const bbox: BBox = {
        x0: Math.max(0, Math.floor(bx0 + 0.5)),
        y0: Math.max(0, Math.floor(by0 + 0.5)),
        x1: Math.min(width, Math.ceil(bx1 + 0.5)),
        y1: Math.min(height, Math.ceil(by1 + 0.5)),
      };
      const centroid: Point = {
        x: microcalcifications.reduce((a, m) => a + m.x, 0) / microcalcifications.length,
        y: microcalcifications.reduce((a, m) => a + m.y, 0) / microcalcifications.length,
      };
      clusters.push({
        id: clusterId,
        morphology: spec.mc.morphology,
        distribution: spec.mc.distribution,
        centroid,
        bbox,
        mcIds: microcalcifications.map((m) => m.id),
      });
    }
  }

  gaussianBlur(signal, width, height, vendor.blurMm / spacing);
  const pixels = expose(
    signal,
    vendor,
    pixelArea,
    bitsStored,
    noiseScale,
    new Rng(deriveSeed(spec.seed, 'noise')),
  );
  const truth = {
    id: spec.id,
    seed: spec.seed,
    size: spec.size,
    width,
    height,
    pixelSpacingMm: { row: spacing, col: spacing },
    bitsStored,
    view: spec.view,
    laterality: spec.laterality,
    vendor: spec.vendor,
    label: spec.label,
    subtype: spec.subtype,
    lesionType: spec.lesionType,
    birads: spec.birads,
    age: spec.age,
    split: spec.split,
    density: spec.density,
    beta: spec.beta,
    noiseScale,
    microcalcifications,
    clusters,
    masses,
    breastPolygon: breastPolygon(geometry),
    pectoralPolygon: pectoralPolygon(geometry),
    skinThicknessMm: PHANTOM_PARAMETERS.tissue.skinMm,
    generator: PHANTOM_PARAMETERS.generator,
  };
  return { spec, width, height, pixels, bitsStored, pixelSpacingMm: truth.pixelSpacingMm, truth };
}

/** `{ centreline }` for a linear MC, `{}` for a compact one (the truth JSON then has no such key). */
function centrelineOf(
  shape: McShape,
  x: number,
  y: number,
  spacing: number,
): Pick<TruthMicrocalcification, 'centreline'> {
  const centreline = capsuleCentreline(shape, x, y, spacing, spacing);
  return centreline ? { centreline } : {};
}

/**
 * The phantom as Calcscope's in-memory image: data = stored value / (2^bitsStored − 1), MONOCHROME2.
 */
export function toGrayImage(phantom: Phantom): GrayImage {
  const scale = 1 / ((1 << phantom.bitsStored) - 1);
  const data = new Float32Array(phantom.pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = phantom.pixels[i] * scale;
  return {
    width: phantom.width,
    height: phantom.height,
    data,
    pixelSpacingMm: { row: phantom.pixelSpacingMm.row, col: phantom.pixelSpacingMm.col },
    spacingAssumed: false,
    bitsStored: phantom.bitsStored,
  };
}
