/**
 * The models of `npm run bench -- inference`, written into temporary Triton-layout repositories:
 * - the SAE of Wang et al. 2016 (41 → [400, 400] → 2), trained here by `trainSae` on a synthetic
 *   41-feature table with fewer epochs than the paper (a bench needs its serving cost, not its accuracy;
 *   the card records epochs and held-out metrics);
 * - the reference DCIS/IDC ResNet of @calcscope/ml (64² ROI, widths 16-32-64-128), untrained: the seeded He
 *   initialisation of initCnnWeights, exported by the same inference graph builder as a trained one
 *   (outputs probabilities, embedding, CAM) — its cost per ROI is what batching is measured on.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelMetrics } from '@calcscope/contracts';
import { COMBINED_FEATURE_NAMES, FEATURE_SCHEMA_HASH } from '@calcscope/features';
import {
  aucWithDelongCi,
  binaryMetrics,
  buildCnnInferenceGraph,
  countCnnFlops,
  initCnnWeights,
  planCnn,
  referenceResNet,
  SeededRandom,
  saeBenchmarkData,
  trainSae,
} from '@calcscope/ml';
import { configForModel, type ModelCardDraft, writeModelVersion } from '@calcscope/model-repository';

export const SAE_MODEL = 'malignancy-sae-combined';
export const CNN_MODEL = 'dcis-idc-cnn-roi';
const FEATURES = COMBINED_FEATURE_NAMES.length;
/** ROI side the bench CNN's card declares (64 samples over 12.8 mm: 0.2 mm per sample). */
const CNN_ROI_MM = 12.8;

/** The trained SAE and how it was made. */
export interface BenchSae {
  readonly onnx: Uint8Array;
  readonly epochs: number;
  readonly trainSeconds: number;
  /** Training table: sha256 of its feature bytes, rows, positives. */
  readonly trainingData: { readonly sha256: string; readonly rows: number; readonly positives: number };
  /** Held-out metrics (threshold 0.5; AUC with its DeLong 95% CI). */
  readonly test: ModelMetrics['test'];
  /** Held-out feature rows (row-major, 41 per row) for requests. */
  readonly testRows: Float32Array;
}

/** The untrained reference CNN. */
export interface BenchCnn {
  readonly onnx: Uint8Array;
  readonly side: number;
  readonly multiplyAdds: number;
}

/**
 * Trains the bench SAE on a synthetic table (seeded): 1,000 training rows, 500 held out.
 *
 * @param epochs - Pretraining epochs per layer and maximum fine-tuning epochs.
 * @returns Its ONNX export, training time, held-out AUC and rows.
 */
export async function trainBenchSae(epochs: number): Promise<BenchSae> {
  const train = saeBenchmarkData(1000, FEATURES, 41);
  const test = saeBenchmarkData(500, FEATURES, 42);
  const started = performance.now();
  const model = await trainSae(train.x, train.y, FEATURES, {
    hidden: [400, 400],
    pretrainEpochs: epochs,
    finetuneEpochs: epochs,
    seed: 7,
    threads: 1,
    providers: ['cpu'],
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const probabilities = model.predictProba(test.x);
  const scores = Float64Array.from({ length: test.y.length }, (_, r) => probabilities[2 * r + 1]);
  const { accuracy, sensitivity, specificity } = binaryMetrics(model.predict(test.x), test.y);
  const auc = aucWithDelongCi(scores, test.y);
  return {
    onnx: model.toOnnx({ scenario: 'combined' }),
    epochs,
    trainSeconds,
    trainingData: {
      sha256: createHash('sha256').update(train.x).digest('hex'),
      rows: train.y.length,
      positives: train.y.reduce((a, b) => a + b, 0),
    },
    test: {
      accuracy,
      sensitivity,
      specificity,
      auc: auc.auc,
      aucCi95: [auc.ci[0], auc.ci[1]],
      n: test.y.length,
    },
    testRows: test.x,
  };
}

/** The reference ResNet (64² ROIs), untrained with seeded He initialisation, exported for inference. */
export function referenceBenchCnn(seed = 1): BenchCnn {
  const architecture = referenceResNet(64);
  const plan = planCnn(architecture);
  return {
    onnx: buildCnnInferenceGraph(plan, initCnnWeights(plan, new SeededRandom(seed))),
    side: architecture.inputHeight,
    multiplyAdds: countCnnFlops(plan).forwardMacs,
  };
}

/** Card metrics of a model never evaluated: n = 0 (the card contract requires the fields). */
const NOT_EVALUATED = {
  test: { accuracy: 0, sensitivity: 0, specificity: 0, auc: 0.5, aucCi95: [0, 1] as [number, number], n: 0 },
  cv: { folds: 0, accuracyMean: 0, accuracyStd: 0 },
};

function saeCard(sae: BenchSae): ModelCardDraft {
  return {
    family: 'sae',
    task: 'malignancy',
    scenario: 'combined',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, FEATURES] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
    featureSchemaHash: FEATURE_SCHEMA_HASH,
    featureNames: [...COMBINED_FEATURE_NAMES],
    trainingData: {
      ...sae.trainingData,
      source: 'saeBenchmarkData(1000, 41, seed 41): synthetic table for the inference benchmark',
    },
    hyperparameters: { hidden: [400, 400], pretrainEpochs: sae.epochs, finetuneEpochs: sae.epochs, seed: 7 },
    metrics: {
      test: sae.test,
      cv: { folds: 0, accuracyMean: 0, accuracyStd: 0 },
      extra: { note: 'benchmark model: held-out synthetic rows, no cross-validation' },
    },
    createdAt: new Date().toISOString(),
    codeCommit: 'unknown',
    runId: 'bench-inference',
  };
}

function cnnCard(cnn: BenchCnn): ModelCardDraft {
  const side = cnn.side;
  return {
    family: 'cnn',
    task: 'dcis-idc',
    scenario: 'roi',
    inputs: [{ name: 'roi', datatype: 'FP32', shape: [-1, 1, side, side] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'embedding', datatype: 'FP32', shape: [-1, 128] },
      { name: 'cam', datatype: 'FP32', shape: [-1, side, side] },
    ],
    featureSchemaHash: FEATURE_SCHEMA_HASH,
    featureNames: [],
    trainingData: {
      sha256: '0'.repeat(64),
      rows: 0,
      positives: 0,
      source: 'none: untrained reference ResNet (seeded He initialisation) for the inference benchmark',
    },
    hyperparameters: {
      architecture: 'referenceResNet(64)',
      roiSizeMm: CNN_ROI_MM,
      roiNormalization: 'zscore',
    },
    metrics: { ...NOT_EVALUATED, extra: { untrained: true } },
    preprocessing: `${CNN_ROI_MM} mm square ROI centred on the MC cluster centroid, ${side}×${side} bilinear, z-scored per ROI`,
    createdAt: new Date().toISOString(),
    codeCommit: 'unknown',
    runId: 'bench-inference',
  };
}

/** Two repositories: `serving` (SAE + CNN with dynamic batching), `unbatched` (the CNN without it). */
export interface BenchRepositories {
  readonly serving: string;
  readonly unbatched: string;
  remove(): Promise<void>;
}

/**
 * Writes the bench repositories.
 *
 * @param sae - The trained SAE.
 * @param cnn - The reference CNN.
 * @returns Their folders and a function removing them.
 */
export async function writeBenchRepositories(sae: BenchSae, cnn: BenchCnn): Promise<BenchRepositories> {
  const root = await mkdtemp(join(tmpdir(), 'calcscope-bench-inference-'));
  const serving = join(root, 'serving');
  const unbatched = join(root, 'unbatched');
  await writeModelVersion(serving, { name: SAE_MODEL, onnx: sae.onnx, card: saeCard(sae) });
  const batching = { maxBatchSize: 32, maxQueueDelayMicroseconds: 2000 };
  await writeModelVersion(serving, {
    name: CNN_MODEL,
    onnx: cnn.onnx,
    card: cnnCard(cnn),
    configOptions: batching,
  });
  const card = cnnCard(cnn);
  const { dynamicBatching: _withoutBatching, ...config } = configForModel(
    { name: CNN_MODEL, ...card },
    batching,
  );
  await writeModelVersion(unbatched, { name: CNN_MODEL, onnx: cnn.onnx, card, config });
  return { serving, unbatched, remove: () => rm(root, { recursive: true, force: true }) };
}
