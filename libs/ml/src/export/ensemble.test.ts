import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { selectColumns } from '../core/matrix';
import { fitKnn } from '../knn/knn';
import { fitLda } from '../lda/lda';
import { trainLassoLogistic } from '../logistic/logistic';
import { predictProba, type TabularModel } from '../model';
import { fitSvm } from '../svm/svm';
import { exportEnsemble } from './ensemble';
import { OnnxExportError, type OnnxExportErrorCode } from './errors';
import {
  batchParity,
  contractViolations,
  mixedUnitTable,
  parityRows,
  randomSae,
  TEST_METADATA,
} from './parity.fixture';
import { readOnnxMetadata } from './signature';
import { exportTabularModel } from './tabular';

const SPEC = 1e-5;

function codeOf(fn: () => unknown): OnnxExportErrorCode | string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof OnnxExportError ? e.code : `not an OnnxExportError: ${e}`;
  }
  return undefined;
}

describe('ensemble export', () => {
  const train = mixedUnitTable(400, 41);
  const { x } = parityRows(train, 1000, 42, 50);
  const tabular: TabularModel[] = [
    fitSvm(train, { c: 8, gamma: 2 ** -5 }),
    fitKnn(train, { k: 7 }),
    fitLda(train),
    trainLassoLogistic(train, { k: 5, seed: 1 }).model,
  ];
  const sae = randomSae(train, [12], 43);
  const weights = [2, 1, 1, 1, 0.5];
  const memberBytes = [
    ...tabular.map((m) => exportTabularModel(m, TEST_METADATA)),
    exportTabularModel(sae, TEST_METADATA),
  ];

  it('equals the weighted mean of the members’ TypeScript probabilities on 1,000 rows', async () => {
    const bytes = exportEnsemble(memberBytes, { weights });
    expect(contractViolations(bytes, 'ensemble', TEST_METADATA)).toEqual([]);
    const saeP = sae.predictProba(x.data);
    const memberP = [
      ...tabular.map((m) => predictProba(m, x)),
      Float64Array.from({ length: x.rows }, (_, r) => saeP[2 * r + 1]),
    ];
    const total = weights.reduce((s, w) => s + w, 0);
    const expected = new Float64Array(x.rows);
    for (let i = 0; i < memberP.length; i++) {
      for (let r = 0; r < x.rows; r++) expected[r] += (weights[i] / total) * memberP[i][r];
    }
    const { full, single } = await batchParity('ensemble (svm, knn, lda, logistic, sae)', bytes, expected, x);
    expect(full.maxAbsDiff).toBeLessThanOrEqual(SPEC);
    expect(full.labelMismatches).toBe(0);
    expect(full.positives).toBeGreaterThan(200);
    expect(full.positives).toBeLessThan(800);
    expect(single.maxAbsDiff).toBeLessThanOrEqual(SPEC);

    const members = JSON.parse(readOnnxMetadata(bytes).members) as { family: string; weight: number }[];
    expect(members.map((m) => m.family)).toEqual(['svm', 'knn', 'lda', 'logistic', 'sae']);
    members.forEach((m, i) => {
      expect(m.weight).toBeCloseTo(weights[i] / total, 15);
    });
    // Members' own labels are pruned: one ArgMax (the ensemble's) is left.
    const graph = onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
    expect(graph.node.filter((n) => n.opType === 'ArgMax').length).toBe(1);
  });

  it('gives the same bytes from model objects as from their exported bytes', () => {
    const fromModels = exportEnsemble([...tabular, sae], { weights, metadata: TEST_METADATA });
    const fromBytes = exportEnsemble(memberBytes, { weights });
    expect(Buffer.from(fromModels).equals(Buffer.from(fromBytes))).toBe(true);
  });

  it('refuses incompatible members, bad weights and foreign graphs with typed errors', () => {
    const otherSchema = exportTabularModel(tabular[2], {
      ...TEST_METADATA,
      featureSchemaHash: 'ab'.repeat(32),
    });
    expect(codeOf(() => exportEnsemble([memberBytes[0], otherSchema]))).toBe('INCOMPATIBLE_MEMBERS');
    expect(
      codeOf(() => exportEnsemble([memberBytes[0]], { metadata: { ...TEST_METADATA, scenario: 'mc' } })),
    ).toBe('INCOMPATIBLE_MEMBERS');
    const narrow = fitLda({ x: selectColumns(train.x, [0, 1]), y: train.y });
    const narrowBytes = exportTabularModel(narrow, { ...TEST_METADATA, featureNames: ['a', 'b'] });
    expect(codeOf(() => exportEnsemble([memberBytes[0], narrowBytes]))).toBe('INCOMPATIBLE_MEMBERS');

    expect(codeOf(() => exportEnsemble([]))).toBe('INVALID_OPTION');
    expect(codeOf(() => exportEnsemble(memberBytes, { weights: [1, 1] }))).toBe('INVALID_OPTION');
    expect(codeOf(() => exportEnsemble(memberBytes.slice(0, 2), { weights: [1, -1] }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => exportEnsemble(memberBytes.slice(0, 2), { weights: [0, 0] }))).toBe('INVALID_OPTION');
    expect(codeOf(() => exportEnsemble([tabular[0]]))).toBe('INVALID_METADATA');

    const foreign = onnx.ModelProto.decode(memberBytes[2]);
    (foreign.graph as onnx.GraphProto).node[0].domain = 'ai.onnx.ml';
    expect(codeOf(() => exportEnsemble([onnx.ModelProto.encode(foreign).finish()]))).toBe(
      'UNSUPPORTED_GRAPH',
    );
    expect(codeOf(() => exportEnsemble([Uint8Array.of(1, 2, 3, 4)]))).toBe('UNSUPPORTED_GRAPH');
  });
});
