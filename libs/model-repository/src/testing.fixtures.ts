/** Test helpers: card drafts, model bytes and temporary repositories. Not exported from the library. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import type { ModelCardDraft } from './write-version';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A schema hash standing for a feature schema of `featureCount` features. */
export function schemaHash(featureCount: number): string {
  return sha256(`schema with ${featureCount} features`);
}

/**
 * A complete, valid draft for `malignancy-sae-combined`: input `features` [-1, F], outputs
 * `probabilities` [-1, 2] and `label` [-1] (the tabular contract of ARCHITECTURE.md).
 */
export function cardDraft(featureCount = 3, overrides: Partial<ModelCardDraft> = {}): ModelCardDraft {
  const featureNames = Array.from({ length: featureCount }, (_, i) => `feature_${i + 1}`);
  return {
    family: 'sae',
    task: 'malignancy',
    scenario: 'combined',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, featureCount] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
    featureSchemaHash: schemaHash(featureCount),
    featureNames,
    trainingData: { sha256: sha256('training table'), rows: 1000, positives: 480, source: 'synthetic' },
    hyperparameters: { hidden: [400, 400], noise: 0.1, epochs: 100 },
    metrics: {
      test: { accuracy: 0.9, sensitivity: 0.88, specificity: 0.92, auc: 0.95, aucCi95: [0.92, 0.98], n: 204 },
      cv: { folds: 10, accuracyMean: 0.89, accuracyStd: 0.02 },
    },
    createdAt: '2026-11-21T12:00:00.000Z',
    codeCommit: 'fb3124b',
    runId: 'run-20261121-1',
    ...overrides,
  };
}

/** The draft completed as the writer would complete it. */
export function completeCard(draft: ModelCardDraft, version: number, onnx: Uint8Array): ModelCard {
  return {
    name: `${draft.task}-${draft.family}-${draft.scenario}`,
    version,
    ...draft,
    onnxSha256: sha256(onnx),
  };
}

/** Distinct pseudo-random bytes standing in for a model file (the repository never parses ONNX). */
export function modelBytes(seed: number, length = 256): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Run `body` with a fresh temporary repository folder, removed afterwards. */
export async function withRepository<T>(body: (repoDir: string) => Promise<T>): Promise<T> {
  const repoDir = await mkdtemp(join(tmpdir(), 'calcscope-repo-'));
  try {
    return await body(repoDir);
  } finally {
    await rm(repoDir, { recursive: true, force: true });
  }
}
