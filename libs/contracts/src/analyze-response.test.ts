/**
 * The /v1/analyze contract. The `expectTypeOf` and `satisfies` checks are compile-time: they fail
 * `tsc -p tsconfig.spec.json`, not vitest, when the types drift from what inference sends.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnalysisResult, AnalyzeResponse, ClusterPrediction, LesionPrediction } from './index';
import * as contracts from './index';

/** A small but complete response, as inference sends it with one malignancy and one DCIS/IDC model. */
const SAMPLE = {
  image: {
    width: 64,
    height: 48,
    pixelSpacingMm: [0.1, 0.1],
    spacingAssumed: false,
    bitsStored: 12,
    format: 'dicom',
    sha256: 'ab'.repeat(32),
  },
  clusters: [
    {
      id: 'cluster-1',
      bbox: { x: 10, y: 12, width: 8, height: 6 },
      centroid: { x: 14, y: 15 },
      mcCount: 3,
      microcalcifications: [{ x: 14, y: 15, diameterMm: 0.3 }],
      features: { mcCount: 3 },
    },
  ],
  masses: [],
  lesions: [
    {
      id: 'lesion-1',
      kind: 'mc',
      clusterIds: ['cluster-1'],
      massId: null,
      bbox: { x: 10, y: 12, width: 8, height: 6 },
      features: {},
    },
  ],
  timingsMs: { receive: 0.5, queue: 0, decode: 3.25, predict: 1.5, total: 9.125 },
  predictions: [
    {
      lesionId: 'lesion-1',
      model: 'malignancy-sae-mc',
      version: 3,
      scenario: 'mc',
      probability: 0.8,
      label: 1,
      provider: 'cpu',
    },
  ],
  clusterPredictions: [
    {
      clusterId: 'cluster-1',
      model: 'dcis-idc-cnn-roi',
      version: 1,
      task: 'dcis-idc',
      probability: 0.3,
      label: 0,
      provider: 'cuda',
      roi: { centre: { x: 14, y: 15 }, sizeMm: 6.4, pixels: 64 },
      cam: { width: 2, height: 1, data: [0.1234, 0.5] },
    },
  ],
  notes: [],
} satisfies AnalyzeResponse;

describe('AnalyzeResponse', () => {
  it('is an AnalysisResult plus predictions, so analysis consumers read it unchanged', () => {
    expectTypeOf<AnalyzeResponse>().toExtend<AnalysisResult>();
    expectTypeOf<AnalyzeResponse['predictions']>().toEqualTypeOf<LesionPrediction[]>();
    expectTypeOf<AnalyzeResponse['clusterPredictions']>().toEqualTypeOf<ClusterPrediction[]>();
  });

  it('keeps the class activation map optional: models without a `cam` output still answer', () => {
    const { cam: _cam, ...withoutCam } = SAMPLE.clusterPredictions[0];
    expectTypeOf(withoutCam).toExtend<ClusterPrediction>();
    expect(withoutCam).not.toHaveProperty('cam');
  });

  it('survives a JSON round trip, the way it crosses from inference to the gateway', () => {
    const received: AnalyzeResponse = JSON.parse(JSON.stringify(SAMPLE));
    expect(received).toEqual(SAMPLE);
  });
});

describe('@calcscope/contracts', () => {
  it('holds types only: importing it brings no runtime values (so no onnxruntime either)', () => {
    expect(Object.keys(contracts)).toEqual([]);
  });
});
