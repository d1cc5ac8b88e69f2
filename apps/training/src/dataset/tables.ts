/**
 * From extracted images to the three feature tables of Wang 2016's scenarios: one labelled lesion per
 * image, its 15 MC, 26 mass or 41 combined features, and a summary of what was kept and what was not.
 */
import type { LesionKind } from '@calcscope/contracts';
import {
  COMBINED_FEATURES,
  FEATURE_SCHEMA_HASH,
  type FeatureDefinition,
  MASS_FEATURES,
  MC_FEATURES,
} from '@calcscope/features';
import { DatasetError, type DatasetProblem } from './errors';
import type { ExtractedImage, Extraction } from './extract';
import { NEGATIVE_CLASS, POSITIVE_CLASS, type Task } from './labels';
import { pickLabelledLesion } from './lesion-selection';
import type { DatasetSplit } from './manifest';

/** Wang 2016's scenarios: MC features only, mass features only, both. */
export type Scenario = 'mc' | 'mass' | 'combined';

export const SCENARIOS: readonly Scenario[] = ['mc', 'mass', 'combined'];

/** The features of each scenario, in schema order (15, 26, 41). */
export const SCENARIO_FEATURES: Readonly<Record<Scenario, readonly FeatureDefinition[]>> = {
  mc: MC_FEATURES,
  mass: MASS_FEATURES,
  combined: COMBINED_FEATURES,
};

/** The lesion kinds whose lesions enter each scenario's table. */
export const SCENARIO_KINDS: Readonly<Record<Scenario, readonly LesionKind[]>> = {
  mc: ['mc', 'mc+mass'],
  mass: ['mass', 'mc+mass'],
  combined: ['mc', 'mass', 'mc+mass'],
};

/** A design matrix with labels: what the models train on. */
export interface FeatureTable {
  /** A Wang 2016 scenario, or 'table' for a user's feature table (readFeatureTable). */
  readonly scenario: Scenario | 'table';
  readonly task: Task;
  /** Class names of y = 1 and y = 0. */
  readonly positiveClass: string;
  readonly negativeClass: string;
  /** Column names of x, in order. */
  readonly featureNames: readonly string[];
  /** FEATURE_SCHEMA_HASH for the scenarios; see readFeatureTable for tables. */
  readonly schemaHash: string;
  /** Number of rows n. */
  readonly rows: number;
  /** n × p values, row-major (row i is x[i·p … i·p + p − 1]). */
  readonly x: Float64Array;
  /** n labels, 1 = positive class. */
  readonly y: Uint8Array;
  /** n row ids (the manifest id of each row's image). */
  readonly ids: readonly string[];
  /** n splits. */
  readonly split: readonly DatasetSplit[];
}

/** The lesion that carries an image's label. */
export interface LabelledLesion {
  readonly id: string;
  /** Manifest line of the image. */
  readonly row: number;
  readonly split: DatasetSplit;
  readonly y: 0 | 1;
  readonly labelName: string;
  /** The lesion's id in the AnalysisResult ('lesion-3'). */
  readonly lesionId: string;
  readonly kind: LesionKind;
  /** 'region': overlap with the manifest's region; 'rule': the fallback rule. */
  readonly pickedBy: 'region' | 'rule';
  /** IoU with the region (null when picked by the rule). */
  readonly iou: number | null;
  /** Lesions the image had. */
  readonly lesionsInImage: number;
  /** The 41 features in COMBINED_FEATURES order. */
  readonly features: Float64Array;
}

/** Images of one kind of outcome: how many, and which (manifest ids). */
export interface ImageList {
  readonly count: number;
  readonly ids: readonly string[];
}

/** Counts of one split. */
export interface SplitCounts {
  readonly images: number;
  readonly labelled: number;
  /** Labelled lesions by class name (e.g. {benign: 80, malignant: 40}). */
  readonly byLabel: Readonly<Record<string, number>>;
  /** Labelled lesions by the detected lesion kind. */
  readonly byKind: Readonly<Record<LesionKind, number>>;
}

/** What became of every image on the way to the tables. */
export interface DatasetSummary {
  readonly task: Task;
  readonly images: number;
  readonly analysed: number;
  readonly cached: number;
  /** Images whose analysis failed, with the reason. */
  readonly failures: readonly { id: string; row: number; code: string; message: string }[];
  /** Images with a labelled lesion (= rows of the combined table). */
  readonly labelled: number;
  /** Per split ('none' included when used). */
  readonly bySplit: Readonly<Partial<Record<DatasetSplit, SplitCounts>>>;
  /** All labelled lesions by class name and by kind. */
  readonly byLabel: Readonly<Record<string, number>>;
  readonly byKind: Readonly<Record<LesionKind, number>>;
  /** Rows of each scenario's table. */
  readonly scenarioRows: Readonly<Record<Scenario, number>>;
  /** Labelled lesions chosen by overlap with the manifest's region. */
  readonly pickedByRegion: number;
  /** Labelled lesions chosen by the fallback rule (no region given). */
  readonly pickedByRule: ImageList;
  /** Of pickedByRule, images where the rule chose among two or more lesions. */
  readonly ruleChoseAmongSeveral: number;
  /** Analysed images in which the pipeline found no lesion: not in any table. */
  readonly noLesion: ImageList;
  /** Analysed images whose lesions all miss the manifest's region: not in any table. */
  readonly noLesionInRegion: ImageList;
  /** Analysed images with two or more lesions. */
  readonly multiLesionImages: number;
  /** Mean lesions per analysed image. */
  readonly meanLesionsPerImage: number;
  /**
   * Labelled images whose region is in mm but whose file carried no pixel spacing (the decoder assumed
   * one): their mm → pixel conversion rests on that assumption.
   */
  readonly mmRegionOnAssumedSpacing: ImageList;
}

/** The tables of the three scenarios, the labelled lesions behind them, and the summary. */
export interface FeatureTables {
  readonly tables: Readonly<Record<Scenario, FeatureTable>>;
  readonly lesions: readonly LabelledLesion[];
  readonly summary: DatasetSummary;
}

/**
 * Builds the 'mc' (15 MC features; lesions with MCs: kinds mc and mc+mass), 'mass' (26 mass features;
 * lesions with a mass: kinds mass and mc+mass) and 'combined' (41 features; every labelled lesion) tables.
 *
 * One lesion per analysed image carries the image's label (pickLabelledLesion: overlap with the manifest's
 * region, else the fallback rule). Images with no lesion, or whose lesions all miss the region, and failed
 * images are left out of the tables and listed in the summary. Rows keep the input order.
 *
 * Parameters
 * ----------
 * extracted : extractFeatures's result (or its `images`).
 *
 * Returns the tables, the labelled lesions and the summary.
 *
 * Raises DatasetError INVALID_FEATURES listing every labelled lesion with a missing, NaN or infinite
 * feature (row = manifest line, column = feature name): models must not train on such rows.
 */
export function buildFeatureTables(extracted: Extraction | readonly ExtractedImage[]): FeatureTables {
  const images = 'images' in extracted ? extracted.images : extracted;
  const task: Task = images[0]?.entry.task ?? 'malignancy';
  const lesions: LabelledLesion[] = [];
  const failures: DatasetSummary['failures'][number][] = [];
  const noLesion: string[] = [];
  const noLesionInRegion: string[] = [];
  const pickedByRule: string[] = [];
  const mmOnAssumed: string[] = [];
  const problems: DatasetProblem[] = [];
  let ruleChoseAmongSeveral = 0;
  let multiLesionImages = 0;
  let analysed = 0;
  let lesionTotal = 0;

  for (const image of images) {
    const { entry, result } = image;
    if (!result) {
      failures.push({
        id: entry.id,
        row: entry.row,
        code: image.error?.code ?? 'UNKNOWN',
        message: image.error?.message ?? 'no result',
      });
      continue;
    }
    analysed++;
    lesionTotal += result.lesions.length;
    if (result.lesions.length > 1) multiLesionImages++;
    const pick = pickLabelledLesion(result, entry.region);
    if (pick.outcome === 'no-lesion') {
      noLesion.push(entry.id);
      continue;
    }
    if (pick.outcome === 'no-lesion-in-region') {
      noLesionInRegion.push(entry.id);
      continue;
    }
    if (pick.outcome === 'rule') {
      pickedByRule.push(entry.id);
      if (pick.lesions > 1) ruleChoseAmongSeveral++;
    }
    if (pick.outcome === 'region' && entry.region?.units === 'mm' && result.image.spacingAssumed) {
      mmOnAssumed.push(entry.id);
    }
    const lesion = result.lesions[pick.lesionIndex];
    const features = new Float64Array(COMBINED_FEATURES.length);
    COMBINED_FEATURES.forEach(({ name }, k) => {
      const value = lesion.features[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.push({
          row: entry.row,
          column: name,
          message: `image ${entry.id}, ${lesion.id}: feature value ${String(value)} is not a finite number`,
        });
      }
      features[k] = typeof value === 'number' ? value : Number.NaN;
    });
    lesions.push({
      id: entry.id,
      row: entry.row,
      split: entry.split,
      y: entry.y,
      labelName: entry.labelName,
      lesionId: lesion.id,
      kind: lesion.kind,
      pickedBy: pick.outcome,
      iou: pick.outcome === 'region' ? pick.iou : null,
      lesionsInImage: pick.lesions,
      features,
    });
  }
  if (problems.length > 0) {
    throw new DatasetError(
      'INVALID_FEATURES',
      `${new Set(problems.map((p) => p.row)).size} labelled lesion(s) have non-finite features; nothing was trained`,
      problems,
    );
  }

  const tables = {} as Record<Scenario, FeatureTable>;
  for (const scenario of SCENARIOS) tables[scenario] = scenarioTable(scenario, task, lesions);
  const summary: DatasetSummary = {
    task,
    images: images.length,
    analysed,
    cached: images.filter((i) => i.cached && i.result).length,
    failures,
    labelled: lesions.length,
    bySplit: splitCounts(images, lesions, task),
    byLabel: labelCounts(lesions, task),
    byKind: kindCounts(lesions),
    scenarioRows: { mc: tables.mc.rows, mass: tables.mass.rows, combined: tables.combined.rows },
    pickedByRegion: lesions.length - pickedByRule.length,
    pickedByRule: { count: pickedByRule.length, ids: pickedByRule },
    ruleChoseAmongSeveral,
    noLesion: { count: noLesion.length, ids: noLesion },
    noLesionInRegion: { count: noLesionInRegion.length, ids: noLesionInRegion },
    multiLesionImages,
    meanLesionsPerImage: analysed > 0 ? lesionTotal / analysed : 0,
    mmRegionOnAssumedSpacing: { count: mmOnAssumed.length, ids: mmOnAssumed },
  };
  return { tables, lesions, summary };
}

/** One scenario's table over the labelled lesions of its kinds, features sliced from the 41. */
function scenarioTable(scenario: Scenario, task: Task, lesions: readonly LabelledLesion[]): FeatureTable {
  const kinds = SCENARIO_KINDS[scenario];
  const members = lesions.filter((l) => kinds.includes(l.kind));
  const definitions = SCENARIO_FEATURES[scenario];
  const offset = scenario === 'mass' ? MC_FEATURES.length : 0;
  const p = definitions.length;
  const x = new Float64Array(members.length * p);
  const y = new Uint8Array(members.length);
  members.forEach((lesion, i) => {
    x.set(lesion.features.subarray(offset, offset + p), i * p);
    y[i] = lesion.y;
  });
  return {
    scenario,
    task,
    positiveClass: POSITIVE_CLASS[task],
    negativeClass: NEGATIVE_CLASS[task],
    featureNames: definitions.map((f) => f.name),
    schemaHash: FEATURE_SCHEMA_HASH,
    rows: members.length,
    x,
    y,
    ids: members.map((l) => l.id),
    split: members.map((l) => l.split),
  };
}

function splitCounts(
  images: readonly ExtractedImage[],
  lesions: readonly LabelledLesion[],
  task: Task,
): Partial<Record<DatasetSplit, SplitCounts>> {
  const out: Partial<Record<DatasetSplit, SplitCounts>> = {};
  const splits = [...new Set(images.map((i) => i.entry.split))];
  for (const split of splits) {
    const members = lesions.filter((l) => l.split === split);
    out[split] = {
      images: images.filter((i) => i.entry.split === split).length,
      labelled: members.length,
      byLabel: labelCounts(members, task),
      byKind: kindCounts(members),
    };
  }
  return out;
}

function kindCounts(lesions: readonly LabelledLesion[]): Record<LesionKind, number> {
  const counts: Record<LesionKind, number> = { mc: 0, mass: 0, 'mc+mass': 0 };
  for (const l of lesions) counts[l.kind]++;
  return counts;
}

/** Labelled lesions per class name, both classes of the task listed (0 when absent). */
function labelCounts(lesions: readonly LabelledLesion[], task: Task): Record<string, number> {
  const counts: Record<string, number> = { [NEGATIVE_CLASS[task]]: 0, [POSITIVE_CLASS[task]]: 0 };
  for (const l of lesions) counts[l.labelName] = (counts[l.labelName] ?? 0) + 1;
  return counts;
}
