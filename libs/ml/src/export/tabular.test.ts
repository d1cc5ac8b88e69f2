import { describe, expect, it } from 'vitest';
import { fitKnn } from '../knn/knn';
import { fitLda, type LdaModel } from '../lda/lda';
import { fitLogistic } from '../logistic/logistic';
import type { TabularModel } from '../model';
import { fitSvm, type SvmModel } from '../svm/svm';
import { OnnxExportError, type OnnxExportErrorCode } from './errors';
import { exportKnn } from './knn';
import { exportLda, exportLogistic } from './linear';
import {
  batchParity,
  contractViolations,
  FEATURE_COUNT,
  mixedUnitTable,
  parityRows,
  randomSae,
  TEST_METADATA,
} from './parity.fixture';
import { readOnnxMetadata, signatureOfOnnx, tabularSignature } from './signature';
import { exportSvm } from './svm';
import { exportTabularModel, familyOf } from './tabular';

function codeOf(fn: () => unknown): OnnxExportErrorCode | string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof OnnxExportError ? e.code : `not an OnnxExportError: ${e}`;
  }
  return undefined;
}

describe('exportTabularModel', () => {
  const train = mixedUnitTable(200, 51);
  const models: TabularModel[] = [
    fitSvm(train, { c: 4, gamma: 2 ** -5 }),
    fitKnn(train, { k: 5 }),
    fitLda(train),
    fitLogistic(train, 0.01),
  ];
  const specific = [exportSvm, exportKnn, exportLda, exportLogistic] as ((
    m: TabularModel,
    meta: typeof TEST_METADATA,
  ) => Uint8Array)[];

  it('dispatches on the family to the family exporter, deterministically', () => {
    models.forEach((model, i) => {
      const bytes = exportTabularModel(model, TEST_METADATA);
      expect(Buffer.from(bytes).equals(Buffer.from(specific[i](model, TEST_METADATA)))).toBe(true);
      expect(Buffer.from(bytes).equals(Buffer.from(exportTabularModel(model, TEST_METADATA)))).toBe(true);
      expect(readOnnxMetadata(bytes).family).toBe(model.family);
      expect(familyOf(model)).toBe(model.family);
    });
  });

  it('declares exactly the signature tabularSignature describes', () => {
    const expected = {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, FEATURE_COUNT] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    };
    expect(tabularSignature(FEATURE_COUNT)).toEqual(expected);
    for (const model of models)
      expect(signatureOfOnnx(exportTabularModel(model, TEST_METADATA))).toEqual(expected);
    expect(signatureOfOnnx(exportTabularModel(randomSae(train, [8], 1), TEST_METADATA))).toEqual(expected);
    expect(codeOf(() => tabularSignature(0))).toBe('INVALID_OPTION');
  });

  it('delegates the SAE to SaeModel.toOnnx with the common metadata, and keeps parity', async () => {
    const sae = randomSae(train, [16, 8], 52);
    expect(familyOf(sae)).toBe('sae');
    const bytes = exportTabularModel(sae, TEST_METADATA);
    expect(contractViolations(bytes, 'sae', TEST_METADATA)).toEqual([]);
    const meta = readOnnxMetadata(bytes);
    expect(meta.hidden).toBe('16,8');
    expect(meta.feature_count).toBe(String(FEATURE_COUNT));
    const { x } = parityRows(train, 1000, 53, 20);
    const p = sae.predictProba(x.data);
    const expected = Float64Array.from({ length: x.rows }, (_, r) => p[2 * r + 1]);
    const { full, single } = await batchParity('sae (delegated)', bytes, expected, x);
    expect(full.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(full.labelMismatches).toBe(0);
    expect(full.positives).toBeGreaterThan(200);
    expect(full.positives).toBeLessThan(800);
    expect(single.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('refuses bad metadata and inconsistent models with typed errors', () => {
    const lda = models[2] as LdaModel;
    const names = TEST_METADATA.featureNames;
    expect(codeOf(() => exportTabularModel(lda, { ...TEST_METADATA, featureNames: names.slice(1) }))).toBe(
      'INVALID_METADATA',
    );
    expect(
      codeOf(() =>
        exportTabularModel(lda, { ...TEST_METADATA, featureNames: [names[1], ...names.slice(1)] }),
      ),
    ).toBe('INVALID_METADATA');
    expect(codeOf(() => exportTabularModel(lda, { ...TEST_METADATA, scenario: '' }))).toBe(
      'INVALID_METADATA',
    );
    expect(codeOf(() => exportTabularModel(lda, { ...TEST_METADATA, featureSchemaHash: '' }))).toBe(
      'INVALID_METADATA',
    );
    expect(
      codeOf(() => exportTabularModel(randomSae(train, [4], 2), { ...TEST_METADATA, featureNames: ['a'] })),
    ).toBe('INVALID_METADATA');

    const nanWeights = { ...lda, weights: lda.weights.map((w, j) => (j === 3 ? Number.NaN : w)) };
    expect(codeOf(() => exportTabularModel(nanWeights, TEST_METADATA))).toBe('INVALID_MODEL');
    expect(codeOf(() => exportTabularModel({ ...models[1], k: 201 } as TabularModel, TEST_METADATA))).toBe(
      'INVALID_MODEL',
    );
    const svm = models[0] as SvmModel;
    expect(codeOf(() => exportTabularModel({ ...svm, supportVectorCount: 0 }, TEST_METADATA))).toBe(
      'INVALID_MODEL',
    );
    expect(
      codeOf(() =>
        exportTabularModel({ ...svm, dualCoefficients: svm.dualCoefficients.subarray(1) }, TEST_METADATA),
      ),
    ).toBe('INVALID_MODEL');
    expect(
      codeOf(() => exportTabularModel({ family: 'tree' } as unknown as TabularModel, TEST_METADATA)),
    ).toBe('INVALID_MODEL');
  });
});
