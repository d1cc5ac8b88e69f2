/**
 * The service's Prometheus metrics, in its own prom-client Registry, modelled on Triton's per-model
 * metrics: request counts by outcome, request/queue/compute durations and batch sizes per model version,
 * pending requests, loaded versions with their execution provider, shadow comparisons, HTTP requests by
 * route, and prom-client's process defaults. Labels are bounded: model and version come only from the
 * repository (never from a request's URL), routes are route templates.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome label of calcscope_inference_requests_total. */
export type RequestOutcome = 'success' | 'bad_request' | 'error';

/** Outcome label of calcscope_inference_analyze_requests_total: success or the refusal's kind. */
export type AnalyzeOutcome =
  | 'success'
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'unavailable'
  | 'error';

/** Why an analysis worker thread was replaced. */
export type WorkerExitReason = 'crashed' | 'timeout';

/** Pre-bound metric children of one model version (label lookups happen once, not per request). */
export interface VersionInstruments {
  /** A request finished: its outcome and its duration from receipt to response in seconds. */
  request(outcome: RequestOutcome, seconds: number): void;
  /** Time a request waited in the batcher queue, in seconds. */
  queue(seconds: number): void;
  /** One session.run: its batch size (rows) and duration in seconds. */
  batch(rows: number, seconds: number): void;
  /** A shadow run finished: outcome, and the largest absolute difference from the primary's outputs. */
  shadow(outcome: 'success' | 'error', maxAbsDifference: number | undefined): void;
}

/** What the scrape-time gauges read from the model manager. */
export interface MetricsSources {
  /** Requests queued or executing, per served model version. */
  pending(): Iterable<{ model: string; version: number; count: number }>;
  /** Versions currently serving and the execution provider each session got. */
  loaded(): Iterable<{ model: string; version: number; provider: string }>;
}

/** Latency buckets in seconds: from 50 µs (an in-process run of a small model) to 10 s (a whole analysis). */
export const LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];
/** Batch-size buckets (rows per session.run). */
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Analysis stage buckets in seconds: from 1 ms (decoding a small PNG) to 60 s (a full field on a busy host). */
export const ANALYZE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Buckets of the largest absolute shadow-vs-primary output difference. */
export const DIFFERENCE_BUCKETS = [0, 1e-7, 1e-5, 1e-3, 0.01, 0.1, 0.5, 1];

const PREFIX = 'calcscope_inference_';

/** The registry and the metrics of one inference service. */
export class InferenceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'model' | 'version' | 'outcome'>;
  private readonly requestDuration: Histogram<'model' | 'version'>;
  private readonly queueDuration: Histogram<'model' | 'version'>;
  private readonly computeDuration: Histogram<'model' | 'version'>;
  private readonly batchSize: Histogram<'model' | 'version'>;
  private readonly shadowRequests: Counter<'model' | 'version' | 'outcome'>;
  private readonly shadowDifference: Histogram<'model' | 'version'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly analyzeDuration: Histogram<'stage'>;
  private readonly analyzeRequests: Counter<'outcome'>;
  private readonly analyzeWorkerExits: Counter<'reason'>;
  private sources: MetricsSources = { pending: () => [], loaded: () => [] };
  private analyzeLoad: () => { queued: number; running: number } = () => ({ queued: 0, running: 0 });

  /**
   * @param options.defaultMetrics - Also collect prom-client's process_* and nodejs_* metrics (default true).
   */
  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const versioned = ['model', 'version'] as const;
    this.requests = new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Inference requests that reached a model version, by outcome (success, bad_request, error).',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: `${PREFIX}request_duration_seconds`,
      help: 'Time from receiving an inference request to its response being ready, in seconds.',
      labelNames: versioned,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueDuration = new Histogram({
      name: `${PREFIX}queue_duration_seconds`,
      help: 'Time a request waited in the dynamic batcher before its batch started, in seconds.',
      labelNames: versioned,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.computeDuration = new Histogram({
      name: `${PREFIX}compute_duration_seconds`,
      help: 'Duration of one onnxruntime session.run (one merged batch), input and output conversion included, in seconds.',
      labelNames: versioned,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchSize = new Histogram({
      name: `${PREFIX}batch_size`,
      help: 'Rows per session.run after dynamic batching.',
      labelNames: versioned,
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.shadowRequests = new Counter({
      name: `${PREFIX}shadow_requests_total`,
      help: 'Requests mirrored to a shadow version (results recorded, never returned), by outcome.',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.shadowDifference = new Histogram({
      name: `${PREFIX}shadow_max_abs_difference`,
      help: 'Largest absolute difference between a shadow version’s outputs and the primary’s for the same request.',
      labelNames: versioned,
      buckets: DIFFERENCE_BUCKETS,
      registers,
    });
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.analyzeDuration = new Histogram({
      name: `${PREFIX}analyze_duration_seconds`,
      help: 'Duration of each stage of POST /v1/analyze (receive, queue, decode, detection, segmentation, features, roi, predict, total), in seconds.',
      labelNames: ['stage'],
      buckets: ANALYZE_BUCKETS,
      registers,
    });
    this.analyzeRequests = new Counter({
      name: `${PREFIX}analyze_requests_total`,
      help: 'POST /v1/analyze requests by outcome (success, bad_request, payload_too_large, unsupported_media_type, unprocessable, unavailable, error).',
      labelNames: ['outcome'],
      registers,
    });
    this.analyzeWorkerExits = new Counter({
      name: `${PREFIX}analyze_worker_exits_total`,
      help: 'Analysis worker threads that died (crashed) or were stopped for running too long (timeout), each replaced by a fresh one.',
      labelNames: ['reason'],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: `${PREFIX}analyze_pending`,
      help: 'Analyses waiting for a worker (queued) or running in one (running).',
      labelNames: ['state'],
      registers,
      collect() {
        const load = metrics.analyzeLoad();
        this.set({ state: 'queued' }, load.queued);
        this.set({ state: 'running' }, load.running);
      },
    });
    new Gauge({
      name: `${PREFIX}pending_requests`,
      help: 'Requests queued in the dynamic batcher or executing, per model version.',
      labelNames: versioned,
      registers,
      collect() {
        this.reset();
        for (const p of metrics.sources.pending())
          this.set({ model: p.model, version: String(p.version) }, p.count);
      },
    });
    new Gauge({
      name: `${PREFIX}model_info`,
      help: 'Model versions currently serving (value 1), with the execution provider their session got.',
      labelNames: ['model', 'version', 'provider'],
      registers,
      collect() {
        this.reset();
        for (const m of metrics.sources.loaded())
          this.set({ model: m.model, version: String(m.version), provider: m.provider }, 1);
      },
    });
  }

  /** Connects the analyze_pending gauge to the analysis runner. */
  setAnalyzeLoad(load: () => { queued: number; running: number }): void {
    this.analyzeLoad = load;
  }

  /**
   * Records one stage of an analysis.
   *
   * @param stage - Stage name (a fixed set from the pipeline: decode, features, predict, total, ...).
   * @param seconds - Its duration.
   */
  analyzeStage(stage: string, seconds: number): void {
    this.analyzeDuration.observe({ stage }, seconds);
  }

  /** Counts one POST /v1/analyze request by outcome. */
  analyzeRequest(outcome: AnalyzeOutcome): void {
    this.analyzeRequests.inc({ outcome });
  }

  /** Counts one analysis worker replaced after it died or timed out. */
  analyzeWorkerExit(reason: WorkerExitReason): void {
    this.analyzeWorkerExits.inc({ reason });
  }

  /** Connects the scrape-time gauges to the model manager. */
  setSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  /**
   * Metric children bound to one model version.
   *
   * @param model - Repository model name.
   * @param version - Version number.
   * @returns Recorders for that version's requests, queue times, batches and shadow runs.
   */
  forVersion(model: string, version: number): VersionInstruments {
    const labels = { model, version: String(version) };
    const byOutcome = {
      success: this.requests.labels({ ...labels, outcome: 'success' }),
      bad_request: this.requests.labels({ ...labels, outcome: 'bad_request' }),
      error: this.requests.labels({ ...labels, outcome: 'error' }),
    };
    const requestDuration = this.requestDuration.labels(labels);
    const queueDuration = this.queueDuration.labels(labels);
    const computeDuration = this.computeDuration.labels(labels);
    const batchSize = this.batchSize.labels(labels);
    const shadowRequests = this.shadowRequests;
    const shadowDifference = this.shadowDifference.labels(labels);
    return {
      request(outcome, seconds) {
        byOutcome[outcome].inc();
        requestDuration.observe(seconds);
      },
      queue(seconds) {
        queueDuration.observe(seconds);
      },
      batch(rows, seconds) {
        batchSize.observe(rows);
        computeDuration.observe(seconds);
      },
      shadow(outcome, maxAbsDifference) {
        shadowRequests.inc({ ...labels, outcome });
        if (maxAbsDifference !== undefined) shadowDifference.observe(maxAbsDifference);
      },
    };
  }

  /**
   * Counts one HTTP request.
   *
   * @param method - HTTP method.
   * @param route - The matched route template (e.g. `/v2/models/{model}/infer`), or `unmatched`.
   * @param status - Response status code.
   */
  httpRequest(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  /** The exposition text of every metric, and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
