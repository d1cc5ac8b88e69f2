/**
 * Spec validation and defaults.
 */
import { PhantomSpecError } from './errors';
import { PHANTOM_PARAMETERS, vendorProfile } from './parameters';
import { MASS_MARGINS, MASS_SHAPES, MC_DISTRIBUTIONS, MC_MORPHOLOGIES, type PhantomSpec } from './types';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks that a spec can be rendered.
 *
 * @throws PhantomSpecError with code 'bad-id', 'bad-seed', 'bad-size', 'unknown-vendor', 'bad-view',
 *   'bad-laterality', 'bad-label', 'bad-birads', 'bad-age', 'bad-density', 'bad-beta', 'bad-noise',
 *   'bad-lesion-type', 'missing-mc', 'unexpected-mc', 'bad-mc', 'missing-mass', 'unexpected-mass' or
 *   'bad-mass'.
 */
export function validateSpec(spec: PhantomSpec): void {
  const fail = (code: string, message: string): never => {
    throw new PhantomSpecError(code, `spec ${JSON.stringify(spec.id)}: ${message}`);
  };
  if (typeof spec.id !== 'string' || !ID_PATTERN.test(spec.id)) {
    fail('bad-id', 'id must be 1–64 characters of letters, digits, ".", "_" or "-", starting alphanumeric');
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    fail('bad-seed', 'seed must be an integer in [0, 2^32 − 1]');
  }
  if (!Object.hasOwn(PHANTOM_PARAMETERS.sizes, spec.size)) fail('bad-size', `size must be '1024' or 'full'`);
  vendorProfile(spec.vendor);
  if (spec.view !== 'CC' && spec.view !== 'MLO') fail('bad-view', `view must be 'CC' or 'MLO'`);
  if (spec.laterality !== 'L' && spec.laterality !== 'R')
    fail('bad-laterality', `laterality must be 'L' or 'R'`);
  if (spec.label !== 'benign' && spec.label !== 'malignant')
    fail('bad-label', `label must be benign or malignant`);
  if (![2, 3, 4, 5].includes(spec.birads)) fail('bad-birads', 'birads must be 2, 3, 4 or 5');
  if (!(Number.isFinite(spec.age) && spec.age >= 0 && spec.age <= 120)) fail('bad-age', 'age must be 0–120');
  if (!['a', 'b', 'c', 'd'].includes(spec.density)) fail('bad-density', 'density must be a, b, c or d');
  if (!(spec.beta >= 1 && spec.beta <= 4)) fail('bad-beta', 'beta must be in [1, 4]');
  if (spec.noiseScale !== undefined && !(spec.noiseScale >= 0 && spec.noiseScale <= 10)) {
    fail('bad-noise', 'noiseScale must be in [0, 10]');
  }
  const wantsMc = spec.lesionType === 'mc' || spec.lesionType === 'mc+mass';
  const wantsMass = spec.lesionType === 'mass' || spec.lesionType === 'mc+mass';
  if (!wantsMc && !wantsMass) fail('bad-lesion-type', `lesionType must be 'mc', 'mass' or 'mc+mass'`);
  if (wantsMc && !spec.mc) fail('missing-mc', `lesionType ${spec.lesionType} needs an mc lesion`);
  if (!wantsMc && spec.mc) fail('unexpected-mc', `lesionType ${spec.lesionType} has no calcifications`);
  if (wantsMass && !spec.mass) fail('missing-mass', `lesionType ${spec.lesionType} needs a mass`);
  if (!wantsMass && spec.mass) fail('unexpected-mass', `lesionType ${spec.lesionType} has no mass`);
  if (spec.mc) {
    const { morphology, distribution, count } = spec.mc;
    if (!MC_MORPHOLOGIES.includes(morphology)) fail('bad-mc', `unknown morphology ${morphology}`);
    if (!MC_DISTRIBUTIONS.includes(distribution)) fail('bad-mc', `unknown distribution ${distribution}`);
    if (!(Number.isInteger(count) && count >= 1 && count <= 200)) fail('bad-mc', 'mc count must be 1–200');
  }
  if (spec.mass) {
    const { shape, margin, diameterMm } = spec.mass;
    const [lo, hi] = PHANTOM_PARAMETERS.lesion.massDiameterRangeMm;
    if (!MASS_SHAPES.includes(shape)) fail('bad-mass', `unknown mass shape ${shape}`);
    if (!MASS_MARGINS.includes(margin)) fail('bad-mass', `unknown mass margin ${margin}`);
    if (!(diameterMm >= lo && diameterMm <= hi)) fail('bad-mass', `mass diameter must be ${lo}–${hi} mm`);
  }
}

/**
 * A complete spec from a few fields: a grouped fine-pleomorphic cluster on a left CC 1024
 * image unless told otherwise. Handy for tests and the detector's evaluation.
 *
 * @param overrides - any PhantomSpec fields; `mc` / `mass` given here replace the defaults, and a
 *   lesionType without them gets class-neutral defaults (grouped fine-pleomorphic, 12 MCs; oval
 *   circumscribed 12 mm mass).
 */
export function phantomSpec(overrides: Partial<PhantomSpec> & { readonly seed: number }): PhantomSpec {
  const lesionType = overrides.lesionType ?? 'mc';
  const wantsMc = lesionType !== 'mass';
  const wantsMass = lesionType !== 'mc';
  return {
    id: `phantom-${overrides.seed}`,
    size: '1024',
    view: 'CC',
    laterality: 'L',
    vendor: 'ge-like',
    label: 'benign',
    subtype: 'unspecified',
    birads: 3,
    age: 50,
    split: 'none',
    density: 'b',
    beta: 3,
    ...overrides,
    lesionType,
    mc: wantsMc
      ? (overrides.mc ?? { morphology: 'fine-pleomorphic', distribution: 'grouped', count: 12 })
      : undefined,
    mass: wantsMass
      ? (overrides.mass ?? { shape: 'oval', margin: 'circumscribed', diameterMm: 12 })
      : undefined,
  };
}
