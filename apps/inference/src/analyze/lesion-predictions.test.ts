import type { LesionFinding } from '@calcscope/contracts';
import { COMBINED_FEATURE_NAMES, MASS_FEATURE_NAMES, MC_FEATURE_NAMES } from '@calcscope/features';
import { describe, expect, it } from 'vitest';
import { InferenceError } from '../errors';
import type { InferResponseBody } from '../serving/infer-response';
import type { ModelSignature } from '../serving/signature';
import { lesionsForScenario, tabularRequest, twoClassRows } from './lesion-predictions';

/** A lesion whose feature k (in COMBINED order) is 100·lesion + k, so every column is recognisable. */
function lesion(index: number, kind: LesionFinding['kind']): LesionFinding {
  const features: Record<string, number> = {};
  COMBINED_FEATURE_NAMES.forEach((name, k) => {
    features[name] = 100 * index + k;
  });
  return {
    id: `lesion-${index}`,
    kind,
    clusterIds: [],
    massId: null,
    bbox: { x: 0, y: 0, width: 1, height: 1 },
    features,
  };
}

function tabularSignature(width: number, label = true): ModelSignature {
  const outputs = [{ name: 'probabilities', datatype: 'FP32' as const, dims: [2], modelDims: [2] }];
  if (label) outputs.push({ name: 'label', datatype: 'INT64' as never, dims: [1], modelDims: [] });
  return {
    maxBatchSize: 256,
    inputs: [{ name: 'features', datatype: 'FP32', dims: [width], modelDims: [width] }],
    outputs,
  };
}

const lesions = [lesion(1, 'mc'), lesion(2, 'mass'), lesion(3, 'mc+mass')];

describe('lesionsForScenario', () => {
  it('gives combined every lesion, mc those with MCs, mass those with a mass', () => {
    const ids = (scenario: string) => lesionsForScenario(scenario, lesions)?.map((l) => l.id);
    expect(ids('combined')).toEqual(['lesion-1', 'lesion-2', 'lesion-3']);
    expect(ids('mc')).toEqual(['lesion-1', 'lesion-3']);
    expect(ids('mass')).toEqual(['lesion-2', 'lesion-3']);
    expect(ids('table')).toBeUndefined();
  });
});

describe('tabularRequest', () => {
  it('takes the 41 features in schema order for a combined model', () => {
    const request = tabularRequest(COMBINED_FEATURE_NAMES, tabularSignature(41), lesions);
    const input = request.body.inputs[0] as { shape: number[]; data: number[]; name: string };
    expect(input.name).toBe('features');
    expect(input.shape).toEqual([3, 41]);
    expect(input.data.slice(0, 41)).toEqual(Array.from({ length: 41 }, (_, k) => 100 + k));
    expect(input.data.slice(82)).toEqual(Array.from({ length: 41 }, (_, k) => 300 + k));
    expect(request.body.outputs).toEqual([{ name: 'probabilities' }, { name: 'label' }]);
  });

  it('picks columns by the card names, in the card order', () => {
    const mc = tabularRequest(MC_FEATURE_NAMES, tabularSignature(15), [lesion(1, 'mc')]);
    expect((mc.body.inputs[0] as { data: number[] }).data).toEqual(
      Array.from({ length: 15 }, (_, k) => 100 + k),
    );
    const reversedMass = [...MASS_FEATURE_NAMES].reverse();
    const mass = tabularRequest(reversedMass, tabularSignature(26, false), [lesion(2, 'mass')]);
    expect((mass.body.inputs[0] as { data: number[] }).data).toEqual(
      Array.from({ length: 26 }, (_, k) => 200 + 40 - k),
    );
    expect(mass.body.outputs).toEqual([{ name: 'probabilities' }]);
  });

  it('leaves out lesions with a non-finite feature the model needs', () => {
    const broken = lesion(4, 'mc');
    broken.features[MC_FEATURE_NAMES[3]] = Number.NaN;
    const massOnly = tabularRequest(MASS_FEATURE_NAMES, tabularSignature(26), [broken]);
    expect(massOnly.lesions.map((l) => l.id)).toEqual(['lesion-4']);
    const combined = tabularRequest(COMBINED_FEATURE_NAMES, tabularSignature(41), [lesions[0], broken]);
    expect(combined.lesions.map((l) => l.id)).toEqual(['lesion-1']);
    expect(combined.nonFinite).toEqual([{ lesionId: 'lesion-4', feature: MC_FEATURE_NAMES[3] }]);
    expect((combined.body.inputs[0] as { shape: number[] }).shape).toEqual([1, 41]);
  });

  it('refuses a model whose inputs or feature names it cannot supply', () => {
    expect(() => tabularRequest(COMBINED_FEATURE_NAMES, tabularSignature(40), lesions)).toThrow(
      InferenceError,
    );
    expect(() => tabularRequest(['f0', 'f1'], tabularSignature(2), lesions)).toThrow(/does not have: f0, f1/);
    expect(() =>
      tabularRequest(COMBINED_FEATURE_NAMES, { ...tabularSignature(41), maxBatchSize: 0 }, lesions),
    ).toThrow(/no batch axis/);
  });
});

describe('twoClassRows', () => {
  const response = (outputs: InferResponseBody['outputs']): InferResponseBody => ({
    model_name: 'm',
    model_version: '1',
    outputs,
  });

  it('reads column 1 and the label output, or argmax without one', () => {
    const probabilities = {
      name: 'probabilities',
      datatype: 'FP32',
      shape: [2, 2],
      data: [0.25, 0.75, 0.9, 0.1],
    };
    expect(
      twoClassRows(
        response([probabilities, { name: 'label', datatype: 'INT64', shape: [2, 1], data: [0, 1] }]),
        2,
      ),
    ).toEqual([
      { probability: 0.75, label: 0 },
      { probability: 0.1, label: 1 },
    ]);
    expect(twoClassRows(response([probabilities]), 2)).toEqual([
      { probability: 0.75, label: 1 },
      { probability: 0.1, label: 0 },
    ]);
    expect(() => twoClassRows(response([probabilities]), 3)).toThrow(/3 × 2 values, got 4/);
  });
});
