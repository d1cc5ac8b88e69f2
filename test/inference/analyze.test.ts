/**
 * POST /v1/analyze on a real server with the compiled analysis worker (built first): a 1024² phantom as
 * PNG and as DICOM gives the analysis contract with predictions that equal a direct onnxruntime run on
 * each lesion's 41 features; malformed bodies get the right 4xx with their code and the server keeps
 * answering; the event loop answers liveness while an image is analysed; a killed worker costs one
 * request, not the service; a DCIS/IDC CNN, once loaded, runs on each MC cluster's ROI.
 */
import { Worker } from 'node:worker_threads';
import { AnalysisWorkerPool, compiledAnalysisWorkerScript, normalizeRoi } from '@calcscope/analysis';
import type { AnalysisResult, AnalyzeResponse, LesionFinding } from '@calcscope/contracts';
import { COMBINED_FEATURE_NAMES, FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { decodeImage } from '@calcscope/imaging';
import { createSession, Tensor } from '@calcscope/onnx';
import { extractRoi } from '@calcscope/segmentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../apps/inference/src/analyze/analyzer';
import { createInferenceServer, type InferenceServer } from '../../apps/inference/src/http/server';
import { InferenceMetrics } from '../../apps/inference/src/metrics';
import { ModelManager } from '../../apps/inference/src/serving/model-manager';
import { createTestRepository, mlpModel, TEST_MODEL } from '../../apps/inference/src/testing/fixtures';
import { buildProjects } from '../build';
import {
  CNN_MODEL,
  CNN_ROI_MM,
  phantomFiles,
  pngDeclaring,
  postImage,
  TEST_CNN,
  testCnnOnnx,
  withRleTransferSyntax,
  writeTestCnn,
} from './analyze-fixtures';

const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const MODEL_SEED = 5;
let repo: Awaited<ReturnType<typeof createTestRepository>>;
let manager: ModelManager;
let metrics: InferenceMetrics;
let server: InferenceServer;
let analyzer: Analyzer;
let pool: AnalysisWorkerPool;
/** Every worker thread the pool started, so a test can kill one. */
const spawned: Worker[] = [];
const exits: string[] = [];
let base: string;
let files: { png: Uint8Array; dicom: Uint8Array };
let fromPng: AnalyzeResponse;

beforeAll(async () => {
  buildProjects('apps/inference');
  const script = compiledAnalysisWorkerScript();
  if (script === null) throw new Error('libs/analysis/dist/analysis-worker.js was not built');
  repo = await createTestRepository([{ seeds: [MODEL_SEED] }]);
  files = await phantomFiles();
  metrics = new InferenceMetrics({ defaultMetrics: false });
  manager = new ModelManager({
    repository: repo.dir,
    providers: ['cpu'],
    intraOpThreads: 1,
    acceptedSchemaHashes: [FEATURE_SCHEMA_HASH],
    metrics,
    log: () => undefined,
  });
  await manager.start();
  pool = new AnalysisWorkerPool({
    workers: 1,
    script,
    spawn: (path) => {
      const worker = new Worker(path);
      spawned.push(worker);
      return worker;
    },
    maxPending: 4,
    timeoutMs: 60_000,
    onWorkerExit: (reason) => exits.push(reason),
  });
  pool.start();
  analyzer = new Analyzer({
    manager,
    metrics,
    runner: pool,
    maxBodyBytes: MAX_IMAGE_BYTES,
    maxPixels: 30e6,
    log: () => undefined,
  });
  server = createInferenceServer({
    manager,
    metrics,
    maxBodyBytes: 64 * 1024,
    analyzer,
    log: () => undefined,
  });
  const address = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server?.drain(2000);
  await manager?.close();
  await analyzer?.close();
  await repo?.remove();
});

/** What a plain onnxruntime session of the test model gives for each lesion's 41 features, one at a time. */
async function directProbabilities(lesions: readonly LesionFinding[]): Promise<number[]> {
  const { session } = await createSession(mlpModel(MODEL_SEED), { providers: ['cpu'], intraOpNumThreads: 1 });
  const out: number[] = [];
  for (const lesion of lesions) {
    const row = Float32Array.from(COMBINED_FEATURE_NAMES, (name) => lesion.features[name]);
    const result = await session.run({ features: new Tensor('float32', row, [1, row.length]) });
    out.push((result.probabilities.data as Float32Array)[1]);
  }
  await session.release();
  return out;
}

describe('POST /v1/analyze', () => {
  it('analyses a PNG: the contract, and predictions equal to a direct session.run on each 41-vector', async () => {
    const { status, json } = await postImage(base, files.png, 'image/png');
    expect(status).toBe(200);
    fromPng = json as unknown as AnalyzeResponse;
    expect(Object.keys(fromPng).sort()).toEqual(
      [
        'clusterPredictions',
        'clusters',
        'image',
        'lesions',
        'masses',
        'notes',
        'predictions',
        'timingsMs',
      ].sort(),
    );
    expect(fromPng.image).toMatchObject({ width: 1024, height: 1024, format: 'png' });
    expect(fromPng.lesions.length).toBeGreaterThan(0);
    for (const lesion of fromPng.lesions)
      expect(Object.keys(lesion.features)).toEqual(COMBINED_FEATURE_NAMES);
    // One prediction per lesion from the only (combined) model, in lesion order.
    expect(fromPng.predictions.map((p) => p.lesionId)).toEqual(fromPng.lesions.map((l) => l.id));
    const direct = await directProbabilities(fromPng.lesions);
    fromPng.predictions.forEach((prediction, i) => {
      expect(prediction).toMatchObject({
        model: TEST_MODEL,
        version: 1,
        scenario: 'combined',
        provider: 'cpu',
      });
      expect(prediction.probability).toBe(direct[i]);
      expect(prediction.label).toBe(direct[i] > 0.5 ? 1 : 0);
    });
    expect(fromPng.clusterPredictions).toEqual([]);
    expect(fromPng.notes.join('\n')).toMatch(/no DCIS\/IDC model .* is serving/);
    for (const stage of [
      'receive',
      'queue',
      'decode',
      'detectMicrocalcifications',
      'segmentMasses',
      'features',
      'predict',
    ])
      expect(fromPng.timingsMs[stage]).toBeGreaterThanOrEqual(0);
    const stages = Object.entries(fromPng.timingsMs).filter(([stage]) => stage !== 'total');
    expect(fromPng.timingsMs.total).toBeGreaterThanOrEqual(Math.max(...stages.map(([, ms]) => ms)));
    // The predictions went through the model's routed inference path: its request counter moved.
    expect(manager.statistics(TEST_MODEL, '1').model_stats[0].inference_count).toBe(fromPng.lesions.length);
  });

  it('analyses the same phantom as DICOM to the same findings, features and predictions', async () => {
    const { status, json } = await postImage(base, files.dicom, 'application/dicom');
    expect(status).toBe(200);
    const fromDicom = json as unknown as AnalyzeResponse;
    expect(fromDicom.image.format).toBe('dicom');
    const findings = (r: AnalysisResult) => ({ clusters: r.clusters, masses: r.masses, lesions: r.lesions });
    expect(findings(fromDicom)).toEqual(findings(fromPng));
    expect(fromDicom.predictions).toEqual(fromPng.predictions);
  });

  it('refuses malformed bodies with the right status and code, and keeps serving', async () => {
    const refused = async (body: Uint8Array, contentType?: string) => {
      const { status, json } = await postImage(base, body, contentType);
      expect(Object.keys(json).sort()).toEqual(['code', 'error']);
      return { status, code: json.code };
    };
    expect(await refused(new Uint8Array(0))).toEqual({ status: 400, code: 'EMPTY' });
    expect(await refused(files.dicom.subarray(0, 4000))).toEqual({ status: 400, code: 'TRUNCATED' });
    expect(await refused(files.png.subarray(0, files.png.length >> 1), 'image/png')).toMatchObject({
      status: 400,
    });
    expect(await refused(Buffer.from('patient: Jane Doe\nnot an image\n'), 'text/plain')).toEqual({
      status: 400,
      code: 'UNSUPPORTED_FORMAT',
    });
    expect(await refused(new Uint8Array(MAX_IMAGE_BYTES + 1))).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(await refused(pngDeclaring(40_000, 40_000), 'image/png')).toEqual({
      status: 413,
      code: 'TOO_LARGE',
    });
    expect(await refused(withRleTransferSyntax(files.dicom))).toEqual({
      status: 415,
      code: 'UNSUPPORTED_TRANSFER_SYNTAX',
    });
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    const again = await postImage(base, files.png);
    expect(again.status).toBe(200);
    expect((again.json as unknown as AnalyzeResponse).predictions).toEqual(fromPng.predictions);
    const text = (await metrics.render()).text;
    expect(text).toMatch(/calcscope_inference_analyze_requests_total\{outcome="bad_request"\} [4-9]/);
    expect(text).toMatch(/calcscope_inference_analyze_requests_total\{outcome="payload_too_large"\} 2/);
    expect(text).toMatch(/calcscope_inference_analyze_requests_total\{outcome="unsupported_media_type"\} 1/);
    expect(text).toMatch(/calcscope_inference_analyze_duration_seconds_count\{stage="segmentMasses"\} [3-9]/);
  });

  it('keeps answering liveness on the event loop while an image is analysed', async () => {
    let finished = false;
    const analysis = postImage(base, files.png).then((result) => {
      finished = true;
      return result;
    });
    let answered = 0;
    while (!finished) {
      const response = await fetch(`${base}/v2/health/live`);
      if (response.status === 200 && !finished) answered++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await analysis).status).toBe(200);
    // The analysis takes hundreds of ms in the worker; a blocked loop would answer none of these.
    expect(answered).toBeGreaterThanOrEqual(3);
  });

  it('fails only the request whose worker is killed, and the next analysis succeeds', async () => {
    const analysis = postImage(base, files.png);
    while (pool.load().running === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const victim = spawned[spawned.length - 1];
    await victim.terminate();
    const { status, json } = await analysis;
    expect(status).toBe(500);
    expect(json.code).toBe('WORKER_EXITED');
    expect(exits).toEqual(['crashed']);
    const next = await postImage(base, files.png);
    expect(next.status).toBe(200);
    expect((next.json as unknown as AnalyzeResponse).predictions).toEqual(fromPng.predictions);
    expect(spawned.length).toBe(2);
  });

  it('runs a loaded DCIS/IDC CNN on each MC cluster ROI, equal to a direct run on the same ROI', async () => {
    const onnx = testCnnOnnx();
    await writeTestCnn(repo.dir, onnx);
    await manager.load(CNN_MODEL);
    const { status, json } = await postImage(base, files.png);
    expect(status).toBe(200);
    const result = json as unknown as AnalyzeResponse;
    expect(result.clusters.length).toBeGreaterThan(0);
    expect(result.clusterPredictions.map((p) => p.clusterId)).toEqual(result.clusters.map((c) => c.id));
    expect(result.notes.join('\n')).not.toMatch(/DCIS/);
    const image = await decodeImage(files.png);
    const { session } = await createSession(onnx, { providers: ['cpu'], intraOpNumThreads: 1 });
    const side = TEST_CNN.inputHeight;
    for (const prediction of result.clusterPredictions) {
      expect(prediction).toMatchObject({ model: CNN_MODEL, version: 1, task: 'dcis-idc', provider: 'cpu' });
      expect(prediction.roi).toMatchObject({ sizeMm: CNN_ROI_MM, pixels: side });
      const cluster = result.clusters.find((c) => c.id === prediction.clusterId)!;
      expect(prediction.roi.centre.x).toBeCloseTo(cluster.centroid.x, 2);
      const roi = normalizeRoi(extractRoi(image, prediction.roi.centre, CNN_ROI_MM, side), 'zscore');
      const direct = await session.run({ roi: new Tensor('float32', roi, [1, 1, side, side]) });
      expect(prediction.probability).toBe((direct.probabilities.data as Float32Array)[1]);
      expect(prediction.cam?.width).toBe(side);
      expect(prediction.cam?.data).toHaveLength(side * side);
      const cam = direct.cam.data as Float32Array;
      prediction.cam!.data.forEach((v, i) => {
        expect(v).toBeCloseTo(cam[i], 4);
      });
    }
    await session.release();
    // The lesion predictions are unchanged by the second model.
    expect(result.predictions).toEqual(fromPng.predictions);
  });
});
