/**
 * The 2025 paper's DCIS vs IDC experiment on MC-cluster ROIs: deep features (the GAP embedding of a CNN trained
 * on the training ROIs, or of a frozen external backbone) → mRMR → LASSO logistic = the deep model; logistic
 * regression on clinical variables chosen by univariate then multivariate analysis = the clinical model; the
 * deep model's channels + the clinical variables = the combined model. Evaluated on internal validation (same
 * centre) and external validation (second centre, another vendor profile).
 */
import {
  type CnnModel,
  type CrossValidationResult,
  createMatrix,
  fitLogistic,
  type Matrix,
  predictProbaLogistic,
  selectRows,
} from '@calcscope/ml';
import { deriveSeed } from '../train/seeds';
import { type Backbone, computeEmbeddings, inspectBackbone } from './backbone';
import { type ClinicalSelection, encodeClinical, selectClinicalVariables, selectColumns } from './clinical';
import { type RoiCnnSettings, roiCnnSettings, trainRoiCnn } from './cnn-training';
import { type RoiDataset, selectSplits } from './dataset';
import { RoiError } from './errors';
import { type AucComparison, compareAucs, evaluateScores, type RoiEvaluation } from './evaluate';
import {
  type DeepHead,
  fitClinicalHead,
  fitCombinedHead,
  fitDeepHead,
  headCrossValidation,
  headInputs,
  headProbabilities,
  joinColumns,
  type LinearHead,
} from './heads';

/** Report names of the models, in table order. */
export const DCIS_IDC_MODELS = {
  clinical: 'Clinical',
  deep: 'Deep learning',
  combined: 'Combined',
  cnn: 'CNN (own softmax head)',
} as const;
export type DcisIdcModelKey = keyof typeof DCIS_IDC_MODELS;

/** Validation splits of the dcis-idc cohort, in report order. */
export const DCIS_IDC_VALIDATION_SPLITS = ['internal', 'external'] as const;

/** Pairs compared by DeLong's test on each validation split, as in the paper. */
export const DCIS_IDC_COMPARISONS: readonly [DcisIdcModelKey, DcisIdcModelKey][] = [
  ['deep', 'clinical'],
  ['combined', 'clinical'],
  ['deep', 'combined'],
];

/** Folds of the heads' CV accuracy (the card's `cv`). */
export const HEAD_CV_FOLDS = 5;

/** Settings of `runDcisIdcExperiment`. */
export interface DcisIdcOptions {
  readonly seed: number;
  /** Tiny CNN, few epochs, 3-fold CV (tests, smoke runs). */
  readonly quick?: boolean;
  /** A frozen backbone instead of training the CNN. */
  readonly backbone?: Backbone | null;
  /** Per CNN epoch. */
  readonly onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** A fitted head with its CV accuracy on the training rows. */
export interface FittedHead {
  readonly head: LinearHead;
  readonly cv: CrossValidationResult;
}

/** Everything the DCIS/IDC experiment produced. */
export interface DcisIdcResult {
  readonly seed: number;
  readonly quick: boolean;
  /** The CNN trained here (null with an external backbone). */
  readonly cnn: CnnModel | null;
  readonly cnnSettings: RoiCnnSettings | null;
  readonly cnnSeed: number | null;
  /** The feature extractor the heads sit on (the CNN's own export, or the external backbone). */
  readonly backbone: Backbone;
  readonly backboneSource: 'trained' | 'external';
  /** `[n, D]` embeddings of every case, dataset order. */
  readonly embeddings: Float32Array;
  /** `[n, 3]` clinical rows of every case (CLINICAL_VARIABLES). */
  readonly clinical: Matrix;
  readonly deep: DeepHead & { readonly cv: CrossValidationResult };
  readonly clinicalModel: FittedHead & { readonly selection: ClinicalSelection };
  readonly combined: FittedHead;
  /** P(IDC) of every case per model, dataset order. */
  readonly scores: Readonly<Partial<Record<DcisIdcModelKey, Float64Array>>>;
  /** Model × split (train, internal, external). */
  readonly evaluations: readonly RoiEvaluation[];
  /** DCIS_IDC_COMPARISONS on each validation split. */
  readonly comparisons: readonly AucComparison[];
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Runs the experiment (see the module comment). Seeds: the CNN gets deriveSeed(seed, 1), the LASSO's folds
 * deriveSeed(seed, 2), the heads' CV deriveSeed(seed, 3).
 *
 * @param dataset - The dcis-idc ROI dataset (splits train / internal / external).
 * @param options - Seed, quick mode, external backbone, epoch callback.
 * @returns The models, scores, evaluations and comparisons.
 * @throws RoiError `INVALID_DATA` when a split lacks two cases of a class; `INVALID_OPTION` when the backbone
 *   needs another ROI size than the dataset's.
 */
export async function runDcisIdcExperiment(
  dataset: RoiDataset,
  options: DcisIdcOptions,
): Promise<DcisIdcResult> {
  const timings: Record<string, number> = {};
  const pixels = dataset.spec.pixels;
  const train = selectSplits(dataset, ['train']);
  const n = dataset.cases.length;
  let cnn: CnnModel | null = null;
  let cnnSettings: RoiCnnSettings | null = null;
  let cnnSeed: number | null = null;
  let backbone: Backbone;
  const t0 = performance.now();
  if (options.backbone) {
    backbone = options.backbone;
    if (backbone.info.inputSize !== null && backbone.info.inputSize !== pixels)
      throw new RoiError(
        'INVALID_OPTION',
        `the backbone takes ${backbone.info.inputSize} px ROIs, the dataset has ${pixels} px`,
      );
  } else {
    cnnSettings = roiCnnSettings(pixels, options.quick);
    cnnSeed = deriveSeed(options.seed, 1);
    cnn = await trainRoiCnn(train.images, train.labels, cnnSettings, cnnSeed, (p) =>
      options.onEpoch?.(p.epoch, p.epochs, p.loss),
    );
    backbone = inspectBackbone(cnn.toOnnx(), 'embedding');
    timings.cnnTraining = (performance.now() - t0) / 1000;
  }
  const t1 = performance.now();
  const embeddings = await computeEmbeddings(backbone, dataset.images, pixels);
  timings.embeddings = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const d = backbone.info.embeddingSize;
  const allEmbedding = createMatrix(n, d, Float64Array.from(embeddings));
  const clinical = encodeClinical(dataset.cases);
  const trainEmbedding = selectRows(allEmbedding, train.indices);
  const trainClinical = selectRows(clinical, train.indices);
  const y = train.labels;
  const folds = options.quick ? 3 : 10;
  const cvSeed = deriveSeed(options.seed, 3);
  const deepOptions = { seed: deriveSeed(options.seed, 2), folds };
  const deep = fitDeepHead({ x: trainEmbedding, y }, deepOptions);
  const deepCv = headCrossValidation(
    (fold) => {
      const h = fitDeepHead(fold, deepOptions).head;
      return (x) => headProbabilities(h, headInputs(h, x, null, x.rows));
    },
    { x: trainEmbedding, y },
    options.quick ? 3 : HEAD_CV_FOLDS,
    cvSeed,
  );
  const selection = selectClinicalVariables({ x: trainClinical, y });
  const clinicalHead = fitClinicalHead(trainClinical, y, selection.selected);
  const deepChannels = deep.head.embeddingColumns;
  const combinedHead = fitCombinedHead(trainEmbedding, trainClinical, y, deepChannels, selection.selected);
  // The clinical and combined models are unpenalised logistic regressions on fixed columns: their CV refits
  // that regression per fold (the variable choice itself is not repeated).
  const cvFolds = options.quick ? 3 : HEAD_CV_FOLDS;
  const logisticCv = (x: Matrix) =>
    headCrossValidation(
      (fold) => {
        const model = fitLogistic(fold, 0);
        return (rows) => predictProbaLogistic(model, rows);
      },
      { x, y },
      cvFolds,
      cvSeed,
    );
  const clinicalCv = logisticCv(selectColumns(trainClinical, selection.selected));
  const combinedCv = logisticCv(
    joinColumns(
      selectColumns(trainEmbedding, deepChannels),
      selectColumns(trainClinical, selection.selected),
    ),
  );
  timings.heads = (performance.now() - t2) / 1000;

  const scores: Partial<Record<DcisIdcModelKey, Float64Array>> = {
    clinical: headProbabilities(clinicalHead, headInputs(clinicalHead, null, clinical, n)),
    deep: headProbabilities(deep.head, headInputs(deep.head, allEmbedding, null, n)),
    combined: headProbabilities(combinedHead, headInputs(combinedHead, allEmbedding, clinical, n)),
  };
  if (cnn) {
    const prediction = await cnn.predict(dataset.images);
    scores.cnn = Float64Array.from({ length: n }, (_, i) => prediction.probabilities[2 * i + 1]);
  }
  const labels = Uint8Array.from(dataset.cases, (c) => c.label);
  const evaluations: RoiEvaluation[] = [];
  const comparisons: AucComparison[] = [];
  for (const split of ['train', ...DCIS_IDC_VALIDATION_SPLITS]) {
    const rows = dataset.cases.flatMap((c, i) => (c.split === split ? [i] : []));
    const y = Uint8Array.from(rows, (i) => labels[i]);
    const pick = (s: Float64Array) => Float64Array.from(rows, (i) => s[i]);
    for (const key of Object.keys(DCIS_IDC_MODELS) as DcisIdcModelKey[]) {
      const s = scores[key];
      if (s) evaluations.push(evaluateScores(key, split, pick(s), y));
    }
    if (split === 'train') continue;
    for (const [a, b] of DCIS_IDC_COMPARISONS)
      comparisons.push(
        compareAucs(split, a, pick(scores[a] as Float64Array), b, pick(scores[b] as Float64Array), y),
      );
  }
  return {
    seed: options.seed,
    quick: options.quick ?? false,
    cnn,
    cnnSettings,
    cnnSeed,
    backbone,
    backboneSource: options.backbone ? 'external' : 'trained',
    embeddings,
    clinical,
    deep: { ...deep, cv: deepCv },
    clinicalModel: { head: clinicalHead, cv: clinicalCv, selection },
    combined: { head: combinedHead, cv: combinedCv },
    scores,
    evaluations,
    comparisons,
    timings,
  };
}
