/**
 * POST /v1/analyze behind the route: image bytes → (worker thread) decode, MC detection and clustering,
 * mass segmentation, 15/26/41 features, cluster ROIs → (main thread, through the model manager)
 * malignancy predictions per lesion and DCIS/IDC predictions per MC cluster → the analysis contract
 * plus predictions, notes and timings per stage. The main thread only reads the body, sniffs its first
 * bytes and handles small JSON: the event loop keeps serving while images are analysed.
 */
import type { AnalysisWorkerPool } from '@calcscope/analysis';
import type { AnalyzeResponse } from '@calcscope/contracts';
import { ImageDecodeError, sniffFormat } from '@calcscope/imaging';
import type { InferenceError } from '../errors';
import type { InferenceMetrics } from '../metrics';
import type { ModelManager } from '../serving/model-manager';
import { predictClusters, roiSpecsToCut } from './cluster-predictions';
import { predictLesions } from './lesion-predictions';
import { analyzeOutcome, analyzeRefusal } from './refusal';

/** Options of an Analyzer. */
export interface AnalyzerOptions {
  readonly manager: ModelManager;
  readonly metrics: InferenceMetrics;
  /** Where the image work runs (worker threads in the service; see createAnalyzeRunner). */
  readonly runner: AnalysisWorkerPool;
  /** Largest accepted image body, bytes. */
  readonly maxBodyBytes: number;
  /** Largest rows × columns an image may declare. */
  readonly maxPixels: number;
  /** Receives one line per unexpected failure (500); default console.error. */
  readonly log?: (line: string) => void;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Refuses, on the main thread and without a worker round trip, bodies that cannot be an image.
 *
 * @param bytes - The request body.
 * @throws ImageDecodeError EMPTY for no bytes; UNSUPPORTED_FORMAT when the first bytes are neither DICOM,
 *   PNG nor TIFF (the same checks, codes and messages as decodeImage).
 */
export function checkImageBytes(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ImageDecodeError('EMPTY', 'the file is empty (0 bytes)');
  if (sniffFormat(bytes) === undefined)
    throw new ImageDecodeError(
      'UNSUPPORTED_FORMAT',
      `unrecognised file (first bytes ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}); expected DICOM, PNG or TIFF`,
    );
}

/** Runs POST /v1/analyze requests (see the module comment). */
export class Analyzer {
  readonly maxBodyBytes: number;
  readonly maxPixels: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: AnalyzerOptions) {
    this.maxBodyBytes = options.maxBodyBytes;
    this.maxPixels = options.maxPixels;
    this.log = options.log ?? ((line) => console.error(line));
    options.metrics.setAnalyzeLoad(() => options.runner.load());
  }

  /** Where analyses run, in words (for the start-up log). */
  get description(): string {
    return this.options.runner.description;
  }

  /**
   * Analyses one image request.
   *
   * @param readBytes - Reads the request body within a limit into a transferable buffer
   *   (RouteContext.readBytes).
   * @param receivedAt - performance.now() when the request arrived.
   * @returns The analysis with predictions, notes and timings in ms: receive (body), queue (waiting for
   *   a worker), the pipeline's stages (decode, detectMicrocalcifications, clusterMicrocalcifications,
   *   segmentMasses, features, roi), predict, total (arrival to response).
   * @throws InferenceError with status and `detail` code as analyzeRefusal maps them (400, 413, 415, 422,
   *   503, 500); a model that fails only adds a note.
   */
  async analyze(
    readBytes: (limit: number) => Promise<Uint8Array>,
    receivedAt: number,
  ): Promise<AnalyzeResponse> {
    let response: AnalyzeResponse;
    try {
      response = await this.run(readBytes, receivedAt);
    } catch (error) {
      const refusal: InferenceError = analyzeRefusal(error);
      this.options.metrics.analyzeRequest(analyzeOutcome(refusal.status));
      if (refusal.status === 500)
        this.log(`inference: analysis failed: ${refusal.detail}: ${refusal.message}`);
      throw refusal;
    }
    this.options.metrics.analyzeRequest('success');
    return response;
  }

  /** Stops the analysis workers (pending analyses fail with 503). */
  close(): Promise<void> {
    return this.options.runner.close();
  }

  private async run(
    readBytes: (limit: number) => Promise<Uint8Array>,
    receivedAt: number,
  ): Promise<AnalyzeResponse> {
    const { manager, metrics, runner } = this.options;
    const bytes = await readBytes(this.maxBodyBytes);
    const receivedMs = performance.now() - receivedAt;
    checkImageBytes(bytes);
    // Transfers the bytes to a worker: `bytes` is detached from here on.
    const { value, queueSeconds } = await runner.run({
      bytes,
      decode: { maxPixels: this.maxPixels },
      rois: roiSpecsToCut(manager),
    });
    const predictStarted = performance.now();
    const notes: string[] = [];
    if (!manager.ready) notes.push('the model repository is still loading: predictions may be missing');
    const { result } = value;
    const [predictions, clusterPredictions] = await Promise.all([
      predictLesions(manager, result.lesions, notes),
      predictClusters(manager, result.clusters, value.rois, notes),
    ]);
    const finished = performance.now();
    const { total: _pipelineTotal, ...stages } = result.timingsMs;
    const timingsMs: Record<string, number> = {
      receive: receivedMs,
      queue: queueSeconds * 1000,
      ...stages,
      predict: finished - predictStarted,
      total: finished - receivedAt,
    };
    for (const [stage, ms] of Object.entries(timingsMs)) {
      metrics.analyzeStage(stage, ms / 1000);
      timingsMs[stage] = round3(ms);
    }
    return { ...result, timingsMs, predictions, clusterPredictions, notes };
  }
}
