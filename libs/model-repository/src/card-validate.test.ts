import { describe, expect, it } from 'vitest';
import { validateCard } from './card-validate';
import { ModelRepositoryError } from './errors';
import { cardDraft, completeCard, modelBytes } from './testing.fixtures';

function problemsOf(value: unknown): readonly string[] {
  try {
    validateCard(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRepositoryError);
    expect((error as ModelRepositoryError).code).toBe('INVALID_CARD');
    return (error as ModelRepositoryError).problems;
  }
  throw new Error('expected INVALID_CARD');
}

const valid = () => completeCard(cardDraft(3), 1, modelBytes(1));

describe('validateCard', () => {
  it('accepts a complete card, survives a JSON round trip, and keeps fields beyond the contract', () => {
    const card = valid();
    expect(validateCard(card)).toBe(card);
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
    const extended = { ...card, calibration: { method: 'platt' } };
    expect(validateCard(extended)).toEqual(extended);
    const image = {
      ...card,
      name: 'dcis-idc-cnn-roi',
      task: 'dcis-idc',
      family: 'cnn',
      scenario: 'roi',
      inputs: [{ name: 'roi', datatype: 'FP32', shape: [-1, 1, 64, 64] }],
      featureNames: [],
      preprocessing: 'ROI 64×64 px, intensities scaled to [0, 1]',
    };
    expect(validateCard(image)).toBe(image);
  });

  it('refuses a non-object', () => {
    for (const value of [null, [], 'card', 3])
      expect(() => validateCard(value)).toThrow(/must be a JSON object/);
  });

  it('lists every broken rule with its JSON path', () => {
    const card = valid() as unknown as Record<string, unknown>;
    const broken = {
      ...card,
      name: 'malignancy-svm-combined',
      version: 0,
      inputs: [{ name: 'features', datatype: 'FLOAT', shape: [-1, 0] }],
      outputs: [],
      featureSchemaHash: 'ABC',
      featureNames: ['a', 'a'],
      onnxSha256: undefined,
      trainingData: { sha256: '0'.repeat(64), rows: 10, positives: 11, source: '' },
      hyperparameters: { learningRate: Number.NaN },
      metrics: {
        test: { accuracy: 1.2, sensitivity: 0.5, specificity: 0.5, auc: 0.7, aucCi95: [0.8, 0.6], n: 3.5 },
        cv: { folds: 10, accuracyMean: 0.5, accuracyStd: -0.1 },
      },
      createdAt: '2026-02-30T10:00:00Z',
      codeCommit: 'main',
      runId: '../escape',
    };
    expect(problemsOf(broken)).toEqual([
      "name: 'malignancy-svm-combined' must be 'malignancy-sae-combined' (task-family-scenario)",
      'version: 0 must lie in [1, 9007199254740991]',
      'inputs[0].datatype: must be one of FP32, INT64, INT32, UINT8',
      'inputs[0].shape[1]: must be -1 (dynamic) or a positive integer',
      'outputs: must be a non-empty array of tensor signatures',
      "featureSchemaHash: 'ABC' must be 64 lowercase hex digits",
      'featureNames: must not repeat a name',
      'onnxSha256: must be a non-empty string',
      'trainingData.positives: 11 must lie in [0, 10]',
      'trainingData.source: must be a non-empty string',
      'hyperparameters.learningRate: NaN cannot be stored',
      'metrics.test.accuracy: 1.2 must lie in [0, 1]',
      'metrics.test.aucCi95: lower bound exceeds upper bound',
      'metrics.test.n: must be a finite integer',
      'metrics.cv.accuracyStd: -0.1 must lie in [0, 1]',
      "createdAt: '2026-02-30T10:00:00Z' is not a real date and time",
      "codeCommit: 'main' must be a hex commit id or 'unknown'",
      'runId: must not contain path separators or be . or ..',
    ]);
  });

  it('ties featureNames to the width of the features input', () => {
    const card = { ...valid(), featureNames: ['only_one'] };
    expect(problemsOf(card)).toEqual(["featureNames: has 1 names but input 'features' has 3 columns"]);
  });

  it('reports missing sections rather than crashing on them', () => {
    const { metrics: _m, trainingData: _t, inputs: _i, ...rest } = valid();
    expect(problemsOf(rest)).toEqual([
      'inputs: must be a non-empty array of tensor signatures',
      'trainingData: must be an object',
      'metrics: must be an object',
    ]);
  });
});
