/**
 * Per-version statistics in the shape of Triton's statistics extension (`GET /v2/models/{m}/stats`):
 * cumulative counts and nanoseconds of successful and failed requests, queueing, and the three compute
 * phases (input conversion, session.run, output conversion), overall and per batch size.
 */

/** A count and its cumulative duration in nanoseconds (Triton's StatisticDuration). */
export interface StatDuration {
  count: number;
  ns: number;
}

/** Triton's per-batch-size compute statistics. */
export interface BatchSizeStats {
  batch_size: number;
  compute_input: StatDuration;
  compute_infer: StatDuration;
  compute_output: StatDuration;
}

/** Triton's ModelStatistics for one version. */
export interface ModelStatistics {
  name: string;
  version: string;
  /** Milliseconds since the epoch of the last successful inference (0 = never). */
  last_inference: number;
  /** Rows inferred (Triton counts batch elements). */
  inference_count: number;
  /** session.run calls. */
  execution_count: number;
  inference_stats: {
    success: StatDuration;
    fail: StatDuration;
    queue: StatDuration;
    compute_input: StatDuration;
    compute_infer: StatDuration;
    compute_output: StatDuration;
  };
  batch_stats: BatchSizeStats[];
}

function duration(): StatDuration {
  return { count: 0, ns: 0 };
}

function add(target: StatDuration, count: number, seconds: number): void {
  target.count += count;
  target.ns += Math.round(seconds * 1e9);
}

/** Accumulates one version's statistics. */
export class VersionStats {
  private lastInference = 0;
  private inferenceCount = 0;
  private executionCount = 0;
  private readonly success = duration();
  private readonly fail = duration();
  private readonly queue = duration();
  private readonly computeInput = duration();
  private readonly computeInfer = duration();
  private readonly computeOutput = duration();
  private readonly byBatchSize = new Map<number, BatchSizeStats>();

  /**
   * Records one finished request.
   *
   * @param ok - Whether it succeeded.
   * @param rows - Its batch size.
   * @param seconds - Time from receipt to response.
   * @param queueSeconds - Time spent queued (undefined when it never reached the queue).
   */
  recordRequest(ok: boolean, rows: number, seconds: number, queueSeconds: number | undefined): void {
    if (ok) {
      add(this.success, 1, seconds);
      this.inferenceCount += rows;
      this.lastInference = Date.now();
    } else add(this.fail, 1, seconds);
    if (queueSeconds !== undefined) add(this.queue, 1, queueSeconds);
  }

  /**
   * Records one execution (one session.run of a merged batch).
   *
   * @param rows - Batch size.
   * @param inputSeconds - Converting the inputs to onnxruntime tensors.
   * @param inferSeconds - session.run itself.
   * @param outputSeconds - Converting the outputs back.
   */
  recordExecution(rows: number, inputSeconds: number, inferSeconds: number, outputSeconds: number): void {
    this.executionCount++;
    add(this.computeInput, 1, inputSeconds);
    add(this.computeInfer, 1, inferSeconds);
    add(this.computeOutput, 1, outputSeconds);
    let stats = this.byBatchSize.get(rows);
    if (stats === undefined) {
      stats = {
        batch_size: rows,
        compute_input: duration(),
        compute_infer: duration(),
        compute_output: duration(),
      };
      this.byBatchSize.set(rows, stats);
    }
    add(stats.compute_input, 1, inputSeconds);
    add(stats.compute_infer, 1, inferSeconds);
    add(stats.compute_output, 1, outputSeconds);
  }

  /** Session runs so far. */
  get executions(): number {
    return this.executionCount;
  }

  /**
   * A snapshot in Triton's JSON shape.
   *
   * @param name - Model name.
   * @param version - Version number.
   */
  snapshot(name: string, version: number): ModelStatistics {
    const copy = (d: StatDuration): StatDuration => ({ count: d.count, ns: d.ns });
    return {
      name,
      version: String(version),
      last_inference: this.lastInference,
      inference_count: this.inferenceCount,
      execution_count: this.executionCount,
      inference_stats: {
        success: copy(this.success),
        fail: copy(this.fail),
        queue: copy(this.queue),
        compute_input: copy(this.computeInput),
        compute_infer: copy(this.computeInfer),
        compute_output: copy(this.computeOutput),
      },
      batch_stats: [...this.byBatchSize.values()]
        .sort((a, b) => a.batch_size - b.batch_size)
        .map((b) => ({
          batch_size: b.batch_size,
          compute_input: copy(b.compute_input),
          compute_infer: copy(b.compute_infer),
          compute_output: copy(b.compute_output),
        })),
    };
  }
}
