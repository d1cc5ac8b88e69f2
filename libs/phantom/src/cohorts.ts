/**
 * Cohorts of phantom specs with clinical variables, mirroring the papers' case mixes.
 *
 * - 'wang2016': Wang et al. 2016 — 1,204 patients (774 benign / 430 malignant), training 1,000
 *   (677 / 323) and test 204 (97 / 107), lesion types per split (MC only 623 / 110, mass only
 *   221 / 35, MC + mass 156 / 59) and the training subtypes; scaled by largest remainder when n ≠ 1204.
 * - 'dcis-idc': Xu et al. 2025 — 106 DCIS : 188 IDC, training and internal validation from centre A,
 *   external validation from centre B (another vendor profile).
 * Lesion descriptors, age, BI-RADS and density are drawn from class-conditional tables in
 * PHANTOM_PARAMETERS that overlap on purpose: no descriptor separates the classes.
 */
import { apportion } from './apportion';
import { PhantomSpecError } from './errors';
import { type ClassKey, classKeyOf, PHANTOM_PARAMETERS } from './parameters';
import { deriveSeed, Rng } from './random';
import type {
  Birads,
  LesionType,
  MassLesionSpec,
  McLesionSpec,
  PathologyLabel,
  PhantomSize,
  PhantomSpec,
  Split,
} from './types';

export type CohortName = 'wang2016' | 'dcis-idc';
export const COHORT_NAMES: readonly CohortName[] = ['wang2016', 'dcis-idc'];

export interface CohortOptions {
  /** Image size of every spec (default '1024'). */
  readonly size?: PhantomSize;
}

const LESION_TYPES: readonly LesionType[] = ['mc', 'mass', 'mc+mass'];
const MAX_CASES = 100_000;

/** One case before its images are specified: who, which split, what pathology and lesion type. */
interface CaseFrame {
  readonly split: Split;
  readonly label: PathologyLabel;
  readonly subtype: string;
  readonly lesionType: LesionType;
  readonly vendor: string;
}

/**
 * The specs of a cohort.
 *
 * @param name - 'wang2016' or 'dcis-idc'.
 * @param n - number of cases (one image each), 1–100,000; the paper's size gives its exact counts.
 * @param seed - cohort seed; case i gets seed deriveSeed(seed, name, i).
 * @param options - image size.
 * @returns specs ordered by split (train first), shuffled within a split.
 * @throws PhantomSpecError ('unknown-cohort', 'bad-count', 'bad-seed').
 */
export function cohortSpecs(
  name: CohortName,
  n: number,
  seed: number,
  options: CohortOptions = {},
): PhantomSpec[] {
  checkCount(n, seed);
  const rng = new Rng(deriveSeed(seed, name, 'frames'));
  let frames: CaseFrame[];
  if (name === 'wang2016') frames = wangFrames(n, rng);
  else if (name === 'dcis-idc') frames = dcisIdcFrames(n, rng);
  else
    throw new PhantomSpecError(
      'unknown-cohort',
      `unknown cohort "${name}" (known: ${COHORT_NAMES.join(', ')})`,
    );
  return frames.map((frame, i) =>
    caseSpec(frame, `${name}-${pad(i + 1, n)}`, deriveSeed(seed, name, i), options),
  );
}

/**
 * Specs outside any cohort: labels 50/50 and the three lesion types in equal shares (drawn, not
 * apportioned), subtypes from Wang 2016's training table, split 'none'.
 *
 * @param n - number of images, 1–100,000.
 * @param seed - seed; image i gets deriveSeed(seed, 'mixed', i).
 * @param options - image size.
 * @throws PhantomSpecError ('bad-count', 'bad-seed').
 */
export function mixedSpecs(n: number, seed: number, options: CohortOptions = {}): PhantomSpec[] {
  checkCount(n, seed);
  const mixed = PHANTOM_PARAMETERS.cohorts.mixed;
  const subtypes = PHANTOM_PARAMETERS.cohorts.wang2016.splits.train.subtypes;
  const specs: PhantomSpec[] = [];
  for (let i = 0; i < n; i++) {
    const rng = new Rng(deriveSeed(seed, 'mixed', 'frame', i));
    const label = rng.weighted(mixed.labels);
    const frame: CaseFrame = {
      split: 'none',
      label,
      subtype: rng.weighted<string>(subtypes[label]),
      lesionType: rng.weighted(mixed.lesionTypes),
      vendor: rng.weighted(mixed.vendors),
    };
    specs.push(caseSpec(frame, `phantom-${pad(i + 1, n)}`, deriveSeed(seed, 'mixed', i), options));
  }
  return specs;
}

function checkCount(n: number, seed: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_CASES)) {
    throw new PhantomSpecError('bad-count', `number of cases must be an integer 1–${MAX_CASES}, got ${n}`);
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new PhantomSpecError('bad-seed', `seed must be an integer in [0, 2^32 − 1], got ${seed}`);
  }
}

function pad(i: number, n: number): string {
  return String(i).padStart(Math.max(4, String(n).length), '0');
}

/**
 * Wang 2016 frames: per split, exact label, lesion-type and subtype counts (apportioned when n ≠ 1204),
 * joined into cases by drawing, for each lesion-type slot in random order, a remaining subtype with
 * probability ∝ affinity(subtype, lesion type) × its remaining count. Both margins stay exact.
 */
function wangFrames(n: number, rng: Rng): CaseFrame[] {
  const w = PHANTOM_PARAMETERS.cohorts.wang2016;
  const trainTable = w.splits.train;
  const splitNames = ['train', 'test'] as const;
  const splitSizes = apportion(
    n,
    splitNames.map((s) => w.splits[s].size),
  );
  const frames: CaseFrame[] = [];
  splitNames.forEach((splitName, s) => {
    const table = w.splits[splitName];
    const size = splitSizes[s];
    if (size === 0) return;
    const [benign, malignant] = apportion(size, [table.labels.benign, table.labels.malignant]);
    const lesionCounts = apportion(
      size,
      LESION_TYPES.map((t) => table.lesionTypes[t]),
    );
    // Subtype pool: the training table (the paper gives no test subtypes), apportioned per label.
    const pool: { label: PathologyLabel; subtype: string; left: number }[] = [];
    for (const [label, count] of [
      ['benign', benign],
      ['malignant', malignant],
    ] as const) {
      const names = Object.keys(trainTable.subtypes[label]);
      const weights = names.map((k) => (trainTable.subtypes[label] as Record<string, number>)[k]);
      const shares = count > 0 ? apportion(count, weights) : weights.map(() => 0);
      names.forEach((subtype, k) => {
        pool.push({ label, subtype, left: shares[k] });
      });
    }
    const slots: LesionType[] = [];
    LESION_TYPES.forEach((t, k) => {
      for (let i = 0; i < lesionCounts[k]; i++) slots.push(t);
    });
    rng.shuffle(slots);
    const splitFrames: CaseFrame[] = [];
    for (const lesionType of slots) {
      let total = 0;
      for (const entry of pool) total += entry.left * w.lesionAffinity[entry.subtype][lesionType];
      let pick: (typeof pool)[number] | undefined;
      if (total > 0) {
        let u = rng.next() * total;
        for (const entry of pool) {
          u -= entry.left * w.lesionAffinity[entry.subtype][lesionType];
          if (u < 0 && entry.left > 0) {
            pick = entry;
            break;
          }
        }
      }
      // Rounding at the end of the scan, or only zero-affinity subtypes left: first remaining one.
      pick ??= pool.find((e) => e.left > 0);
      if (!pick) throw new Error('wangFrames: subtype pool exhausted (counts inconsistent)');
      pick.left -= 1;
      splitFrames.push({
        split: splitName,
        label: pick.label,
        subtype: pick.subtype,
        lesionType,
        vendor: rng.weighted(w.vendors),
      });
    }
    frames.push(...rng.shuffle(splitFrames));
  });
  return frames;
}

/**
 * DCIS/IDC frames: class counts 106 : 188 (apportioned), each class split train / internal / external
 * by apportionment; the lesion type (MC only or MC + mass) is drawn from the class table.
 */
function dcisIdcFrames(n: number, rng: Rng): CaseFrame[] {
  const d = PHANTOM_PARAMETERS.cohorts.dcisIdc;
  const classes = ['DCIS', 'IDC'] as const;
  const splitNames = ['train', 'internal', 'external'] as const;
  const classCounts = apportion(
    n,
    classes.map((c) => d.classes[c]),
  );
  const bySplit: Record<(typeof splitNames)[number], CaseFrame[]> = { train: [], internal: [], external: [] };
  classes.forEach((subtype, c) => {
    const shares = apportion(
      classCounts[c],
      splitNames.map((s) => d.splits[s]),
    );
    splitNames.forEach((split, s) => {
      for (let i = 0; i < shares[s]; i++) {
        bySplit[split].push({
          split,
          label: 'malignant',
          subtype,
          lesionType: rng.weighted(d.lesionType[subtype]),
          vendor: d.centres[split],
        });
      }
    });
  });
  return splitNames.flatMap((s) => rng.shuffle(bySplit[s]));
}

/** Draws the image-level and lesion-level variables of one case from the class-conditional tables. */
function caseSpec(frame: CaseFrame, id: string, seed: number, options: CohortOptions): PhantomSpec {
  const rng = new Rng(deriveSeed(seed, 'clinical'));
  const c = PHANTOM_PARAMETERS.clinical;
  const classKey = classKeyOf(frame.label, frame.subtype);
  const ageTable = c.age[classKey];
  const age = Math.round(rng.clippedNormal(ageTable.mean, ageTable.sd, c.ageRange[0], c.ageRange[1]));
  const birads = Number(rng.weighted(c.birads[classKey])) as Birads;
  const density = rng.weighted(age < 50 ? c.density.under50 : c.density.over50);
  const beta = rng.uniform(c.beta[0], c.beta[1]);
  const view = rng.bernoulli(0.5) ? 'CC' : 'MLO';
  const laterality = rng.bernoulli(0.5) ? 'L' : 'R';
  const mc = frame.lesionType === 'mass' ? undefined : drawMcLesion(classKey, frame.label, rng);
  const mass = frame.lesionType === 'mc' ? undefined : drawMass(classKey, rng);
  return {
    id,
    seed,
    size: options.size ?? '1024',
    view,
    laterality,
    vendor: frame.vendor,
    label: frame.label,
    subtype: frame.subtype,
    lesionType: frame.lesionType,
    birads,
    age,
    split: frame.split,
    density,
    beta,
    ...(mc ? { mc } : {}),
    ...(mass ? { mass } : {}),
  };
}

function drawMcLesion(classKey: ClassKey, label: PathologyLabel, rng: Rng): McLesionSpec {
  const l = PHANTOM_PARAMETERS.lesion;
  const m = PHANTOM_PARAMETERS.mc;
  const morphology = rng.weighted(l.morphology[classKey]);
  const distribution = rng.weighted(l.distribution[classKey]);
  const [lo, hi] = m.count[distribution];
  const factor = label === 'malignant' ? m.malignantCountFactor : 1;
  const count = Math.round(rng.uniform(lo, hi + 1) * factor - 0.5);
  return { morphology, distribution, count: Math.max(1, Math.min(200, count)) };
}

function drawMass(classKey: ClassKey, rng: Rng): MassLesionSpec {
  const l = PHANTOM_PARAMETERS.lesion;
  const shape = rng.weighted(l.massShape[classKey]);
  const margin = rng.weighted(l.massMargin[classKey]);
  const size = l.massDiameterMm[classKey];
  const [lo, hi] = l.massDiameterRangeMm;
  const diameter = size.median * size.gsd ** rng.normal();
  return { shape, margin, diameterMm: Math.round(Math.min(hi, Math.max(lo, diameter)) * 10) / 10 };
}
