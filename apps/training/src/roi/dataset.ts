import { createHash } from 'node:crypto';
import type { Point } from '@calcscope/imaging';
import {
  cohortSpecs,
  generatePhantom,
  type PhantomSpec,
  type PhantomTruth,
  toGrayImage,
} from '@calcscope/phantom';
import { RoiError } from './errors';
import { checkRoiSpec, cutRoi, type RoiSpec } from './roi-spec';

/** The phantom cohorts the ROI models train on. */
export type RoiCohort = 'dcis-idc' | 'wang2016';
export const ROI_COHORTS: readonly RoiCohort[] = ['dcis-idc', 'wang2016'];

/** The binary task of a cohort: which truth value is class 1. */
export interface RoiTask {
  /** Card task: 'dcis-idc' (class 1 = IDC) or 'malignancy' (class 1 = malignant). */
  readonly task: 'dcis-idc' | 'malignancy';
  readonly negativeClass: string;
  readonly positiveClass: string;
}

/** dcis-idc labels every case malignant and keeps DCIS/IDC in `subtype`; wang2016 is benign/malignant. */
export const ROI_TASKS: Readonly<Record<RoiCohort, RoiTask>> = {
  'dcis-idc': { task: 'dcis-idc', negativeClass: 'DCIS', positiveClass: 'IDC' },
  wang2016: { task: 'malignancy', negativeClass: 'benign', positiveClass: 'malignant' },
};

/** Where an ROI is centred. */
export interface RoiCentre {
  readonly centre: Point;
  /** 'cluster': the truth cluster's centroid; 'mc-density': no cluster (diffuse MCs), see `roiCentre`. */
  readonly source: 'cluster' | 'mc-density';
  readonly clusterId: string | null;
}

/** One case = one ROI. */
export interface RoiCase extends RoiCentre {
  readonly id: string;
  /** Cohort split: train / internal / external (dcis-idc) or train / test (wang2016). */
  readonly split: string;
  /** 0 or 1 (see RoiTask). */
  readonly label: 0 | 1;
  readonly subtype: string;
  readonly lesionType: string;
  readonly birads: number;
  readonly age: number;
  readonly vendor: string;
  /** Truth morphology and distribution of the cluster (null without a cluster). */
  readonly morphology: string | null;
  readonly distribution: string | null;
}

/** ROIs with their cases. */
export interface RoiDataset {
  readonly cohort: RoiCohort;
  readonly spec: RoiSpec;
  /** `[n, 1, pixels, pixels]`, scaled per the spec. */
  readonly images: Float32Array;
  readonly cases: readonly RoiCase[];
  /** Cases without any MC (no ROI possible), by id. */
  readonly skipped: readonly string[];
}

/** Progress of `buildRoiDataset`. */
export type RoiDatasetProgress = (done: number, total: number, elapsedS: number) => void;

/**
 * The phantom specs of a cohort that the ROI models use: dcis-idc whole (every case has MCs); wang2016's cases
 * with microcalcifications (lesion type 'mc' or 'mc+mass'; mass-only cases have no MC ROI).
 *
 * @param cohort - 'dcis-idc' or 'wang2016'.
 * @param n - Cohort size before the MC filter (294 and 1204 give the papers' counts).
 * @param seed - Cohort seed.
 * @returns The specs ('1024' images: 0.1 mm pitch, 0.085 mm for the 'hologic-like' second centre).
 * @throws RoiError `INVALID_OPTION` for an unknown cohort; PhantomSpecError for a bad n or seed.
 */
export function roiCohortSpecs(cohort: RoiCohort, n: number, seed: number): PhantomSpec[] {
  if (!ROI_COHORTS.includes(cohort))
    throw new RoiError('INVALID_OPTION', `cohort must be one of ${ROI_COHORTS.join(', ')}, got '${cohort}'`);
  const specs = cohortSpecs(cohort, n, seed, { size: '1024' });
  return cohort === 'wang2016' ? specs.filter((s) => s.lesionType !== 'mass') : specs;
}

/**
 * Where a case's ROI goes: the centroid of its truth cluster with the most MCs; a case without a cluster
 * (diffuse MCs are not clustered) gets the position of the MC with the most other MCs within half the ROI
 * side (ties: the first), so every case with MCs has exactly one ROI.
 *
 * @param truth - Phantom truth.
 * @param sizeMm - ROI side (for the density window).
 * @returns The centre, or null when the image has no MC.
 */
export function roiCentre(truth: PhantomTruth, sizeMm: number): RoiCentre | null {
  if (truth.clusters.length > 0) {
    let best = truth.clusters[0];
    for (const c of truth.clusters) if (c.mcIds.length > best.mcIds.length) best = c;
    return { centre: { x: best.centroid.x, y: best.centroid.y }, source: 'cluster', clusterId: best.id };
  }
  const mcs = truth.microcalcifications;
  if (mcs.length === 0) return null;
  const halfX = sizeMm / 2 / truth.pixelSpacingMm.col;
  const halfY = sizeMm / 2 / truth.pixelSpacingMm.row;
  let bestIndex = 0;
  let bestCount = -1;
  for (let i = 0; i < mcs.length; i++) {
    let count = 0;
    for (let j = 0; j < mcs.length; j++)
      if (Math.abs(mcs[i].x - mcs[j].x) <= halfX && Math.abs(mcs[i].y - mcs[j].y) <= halfY) count++;
    if (count > bestCount) {
      bestCount = count;
      bestIndex = i;
    }
  }
  return { centre: { x: mcs[bestIndex].x, y: mcs[bestIndex].y }, source: 'mc-density', clusterId: null };
}

/**
 * Renders each phantom and cuts its ROI (truth-centred: training labels come from the truth, so the MC
 * detector does not affect the datasets).
 *
 * @param cohort - Which task the labels follow (ROI_TASKS).
 * @param specs - Phantom specs (e.g. `roiCohortSpecs`).
 * @param spec - ROI size, samples and scaling.
 * @param onProgress - Called after each image.
 * @returns ROIs and cases, in spec order; specs without MCs are listed in `skipped`.
 * @throws RoiError `INVALID_OPTION` for a bad ROI spec, `INVALID_DATA` for a case of neither class.
 */
export function buildRoiDataset(
  cohort: RoiCohort,
  specs: readonly PhantomSpec[],
  spec: RoiSpec,
  onProgress?: RoiDatasetProgress,
): RoiDataset {
  checkRoiSpec(spec);
  const task = ROI_TASKS[cohort];
  const area = spec.pixels * spec.pixels;
  const images = new Float32Array(specs.length * area);
  const cases: RoiCase[] = [];
  const skipped: string[] = [];
  const started = performance.now();
  specs.forEach((s, i) => {
    const phantom = generatePhantom(s);
    const truth = phantom.truth;
    const centre = roiCentre(truth, spec.sizeMm);
    if (centre === null) skipped.push(truth.id);
    else {
      images.set(cutRoi(toGrayImage(phantom), centre.centre, spec), cases.length * area);
      const cluster = truth.clusters.find((c) => c.id === centre.clusterId);
      cases.push({
        ...centre,
        id: truth.id,
        split: truth.split,
        label: caseLabel(cohort, truth, task),
        subtype: truth.subtype,
        lesionType: truth.lesionType,
        birads: truth.birads,
        age: truth.age,
        vendor: truth.vendor,
        morphology: cluster?.morphology ?? null,
        distribution: cluster?.distribution ?? null,
      });
    }
    onProgress?.(i + 1, specs.length, (performance.now() - started) / 1000);
  });
  return { cohort, spec, images: images.slice(0, cases.length * area), cases, skipped };
}

function caseLabel(cohort: RoiCohort, truth: PhantomTruth, task: RoiTask): 0 | 1 {
  const value = cohort === 'dcis-idc' ? truth.subtype : truth.label;
  if (value === task.positiveClass) return 1;
  if (value === task.negativeClass) return 0;
  throw new RoiError(
    'INVALID_DATA',
    `${truth.id}: '${value}' is neither ${task.negativeClass} nor ${task.positiveClass}`,
  );
}

/** Some cases of a dataset, gathered. */
export interface RoiSubset {
  /** Indices into the dataset's cases. */
  readonly indices: readonly number[];
  /** `[k, 1, pixels, pixels]`. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly cases: readonly RoiCase[];
}

/**
 * The cases of some splits.
 *
 * @param dataset - The dataset.
 * @param splits - Split names to keep.
 * @returns Their ROIs (copied), labels and cases, in dataset order.
 */
export function selectSplits(dataset: RoiDataset, splits: readonly string[]): RoiSubset {
  const indices = dataset.cases.flatMap((c, i) => (splits.includes(c.split) ? [i] : []));
  const area = dataset.spec.pixels * dataset.spec.pixels;
  const images = new Float32Array(indices.length * area);
  indices.forEach((index, k) => {
    images.set(dataset.images.subarray(index * area, (index + 1) * area), k * area);
  });
  return {
    indices,
    images,
    labels: Uint8Array.from(indices, (i) => dataset.cases[i].label),
    cases: indices.map((i) => dataset.cases[i]),
  };
}

/**
 * The identity of a training subset for a model card: sha256 over the ROI samples (float32 bytes) and the
 * labels, with its size.
 *
 * @param subset - Training cases.
 * @param source - Where they came from, in words.
 * @returns `{ sha256, rows, positives, source }`.
 */
export function subsetIdentity(
  subset: RoiSubset,
  source: string,
): { sha256: string; rows: number; positives: number; source: string } {
  const hash = createHash('sha256');
  hash.update(new Uint8Array(subset.images.buffer, subset.images.byteOffset, subset.images.byteLength));
  hash.update(subset.labels);
  let positives = 0;
  for (const v of subset.labels) positives += v;
  return { sha256: hash.digest('hex'), rows: subset.labels.length, positives, source };
}

/**
 * Counts per split and class, for the report.
 *
 * @param dataset - The dataset.
 * @returns `{ split: { negatives, positives, vendors, clusterCentred, densityCentred } }` in first-seen order.
 */
export function splitCounts(
  dataset: RoiDataset,
): Record<string, { negatives: number; positives: number; vendors: string[]; densityCentred: number }> {
  const out: Record<
    string,
    { negatives: number; positives: number; vendors: string[]; densityCentred: number }
  > = {};
  for (const c of dataset.cases) {
    const entry = (out[c.split] ??= { negatives: 0, positives: 0, vendors: [], densityCentred: 0 });
    if (c.label === 1) entry.positives++;
    else entry.negatives++;
    if (!entry.vendors.includes(c.vendor)) entry.vendors.push(c.vendor);
    if (c.source === 'mc-density') entry.densityCentred++;
  }
  return out;
}
