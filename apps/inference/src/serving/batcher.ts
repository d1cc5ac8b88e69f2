/**
 * A dynamic batcher like Triton's: requests queued for one model version are merged along the batch axis
 * into one run, and each caller gets back its own rows of every output.
 *
 * Policy (Triton's "dynamic batcher" section, plus one refinement):
 * - One batch executes at a time (one model instance). When it finishes, and whenever requests arrive,
 *   the queue is examined after the current event-loop turn (setImmediate), so every request that
 *   arrived in the same turn can join.
 * - If a preferred batch size can be formed, the largest such batch is sent at once; if the queue holds
 *   max_batch_size rows, a full batch is sent at once.
 * - Otherwise the oldest request may wait up to max_queue_delay_microseconds for others to join, then
 *   everything queued (up to max_batch_size) is sent.
 * - Refinement: the wait is skipped when `moreExpected()` says no request for this model is still being
 *   received. Triton waits blindly; the HTTP server here knows which requests are mid-body, so a lone
 *   client pays no delay while concurrent clients still merge. Without the hook the batcher waits as Triton.
 * - Requests are merged only when their non-batch dimensions agree; others wait for a later batch, in
 *   arrival order. Without dynamic batching (or with max_batch_size 0) each request runs alone.
 * Node timers have millisecond resolution, so a delay under 1 ms may wait up to about 1 ms.
 */
import type { TensorArray } from './datatypes';
import type { HostTensor, HostTensorMap } from './host-tensor';

/** Runs one (merged) batch: inputs batch-first, returns outputs batch-first with the same batch size. */
export type BatchRunner = (inputs: HostTensorMap, rows: number) => Promise<HostTensorMap>;

/** Settings of a DynamicBatcher (from config.pbtxt). */
export interface BatcherOptions {
  /** max_batch_size: the most rows one run may hold; 0 = the model has no batch axis (never merge). */
  readonly maxBatchSize: number;
  /** Whether config.pbtxt enables dynamic_batching; false = each request runs alone. */
  readonly dynamic: boolean;
  /** preferred_batch_size entries (rows); empty = as large as possible. */
  readonly preferredBatchSizes?: readonly number[];
  /** max_queue_delay_microseconds: how long the oldest request may wait for others (default 0). */
  readonly maxQueueDelayMicroseconds?: number;
  /** Whether more requests may still arrive soon (see the policy above); default: always true. */
  readonly moreExpected?: () => boolean;
  /** Called after every run with its size, duration and success. */
  readonly onBatch?: (batch: BatchReport) => void;
}

/** What one run did. */
export interface BatchReport {
  readonly rows: number;
  readonly requests: number;
  readonly computeSeconds: number;
  readonly ok: boolean;
}

/** One request's result. */
export interface BatchedResult {
  /** This request's rows of every output. */
  readonly outputs: HostTensorMap;
  /** Time from submit to the start of its run. */
  readonly queueSeconds: number;
  /** Duration of the run that computed it (shared with the batch). */
  readonly computeSeconds: number;
  /** Rows and requests of that run. */
  readonly batchRows: number;
  readonly batchRequests: number;
}

interface Pending {
  readonly inputs: HostTensorMap;
  readonly rows: number;
  /** Non-batch dimensions of every input; requests merge only when equal. */
  readonly key: string;
  readonly enqueuedAt: number;
  readonly resolve: (result: BatchedResult) => void;
  readonly reject: (error: unknown) => void;
}

function shapeKey(inputs: HostTensorMap): string {
  let key = '';
  for (const name in inputs) {
    const shape = inputs[name].shape;
    key += `${name}:`;
    for (let i = 1; i < shape.length; i++) key += `${shape[i]},`;
    key += ';';
  }
  return key;
}

function concatenate(batch: readonly Pending[], rows: number): HostTensorMap {
  const first = batch[0].inputs;
  const merged: HostTensorMap = {};
  for (const name in first) {
    const sample = first[name];
    const rowSize = sample.data.length / sample.shape[0];
    const Ctor = sample.data.constructor as new (length: number) => TensorArray;
    const data = new Ctor(rows * rowSize);
    let offset = 0;
    for (let i = 0; i < batch.length; i++) {
      const part = batch[i].inputs[name].data;
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    const shape = sample.shape.slice();
    shape[0] = rows;
    merged[name] = { datatype: sample.datatype, shape, data };
  }
  return merged;
}

function sliceRows(outputs: HostTensorMap, batchRows: number, start: number, rows: number): HostTensorMap {
  const mine: HostTensorMap = {};
  for (const name in outputs) {
    const tensor: HostTensor = outputs[name];
    if (tensor.shape.length === 0 || tensor.shape[0] !== batchRows)
      throw new Error(
        `output '${name}' has shape [${tensor.shape.join(', ')}], expected ${batchRows} rows first`,
      );
    const rowSize = tensor.data.length / batchRows;
    const shape = tensor.shape.slice();
    shape[0] = rows;
    mine[name] = {
      datatype: tensor.datatype,
      shape,
      data: tensor.data.subarray(start * rowSize, (start + rows) * rowSize) as TensorArray,
    };
  }
  return mine;
}

/** Queues requests for one model version and runs them in merged batches (see the module comment). */
export class DynamicBatcher {
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private runs = 0;
  private readonly maxBatchSize: number;
  private readonly merge: boolean;
  private readonly preferred: readonly number[];
  private readonly delayMs: number;
  private readonly moreExpected: () => boolean;
  private readonly onBatch: ((batch: BatchReport) => void) | undefined;

  /**
   * @param runner - Executes one batch (e.g. an onnxruntime session.run).
   * @param options - Batching settings.
   * @throws RangeError for a negative max batch size or delay, or a preferred size outside 1..max.
   */
  constructor(
    private readonly runner: BatchRunner,
    options: BatcherOptions,
  ) {
    const delay = options.maxQueueDelayMicroseconds ?? 0;
    if (!Number.isSafeInteger(options.maxBatchSize) || options.maxBatchSize < 0)
      throw new RangeError(`maxBatchSize must be a non-negative integer, got ${options.maxBatchSize}`);
    if (!Number.isFinite(delay) || delay < 0)
      throw new RangeError(`maxQueueDelayMicroseconds must be ≥ 0, got ${delay}`);
    const preferred = [...(options.preferredBatchSizes ?? [])].sort((a, b) => b - a);
    for (const size of preferred)
      if (!Number.isSafeInteger(size) || size < 1 || size > Math.max(1, options.maxBatchSize))
        throw new RangeError(`preferred batch size ${size} must lie in 1..${options.maxBatchSize}`);
    this.maxBatchSize = options.maxBatchSize;
    this.merge = options.dynamic && options.maxBatchSize > 0;
    this.preferred = preferred;
    this.delayMs = delay / 1000;
    this.moreExpected = options.moreExpected ?? (() => true);
    this.onBatch = options.onBatch;
  }

  /** Requests queued or executing. */
  get pending(): number {
    return this.queue.length + (this.running ? this.runningRequests : 0);
  }

  /** Runs executed so far. */
  get executions(): number {
    return this.runs;
  }

  private runningRequests = 0;

  /**
   * Queues one request.
   *
   * @param inputs - Its input tensors, batch axis first when the model is batched (already validated).
   * @param rows - Its batch size (1 for a model without a batch axis).
   * @returns Its rows of every output once the batch holding it has run; rejects with the runner's error.
   */
  submit(inputs: HostTensorMap, rows: number): Promise<BatchedResult> {
    return new Promise<BatchedResult>((resolve, reject) => {
      const key = this.merge ? shapeKey(inputs) : '';
      this.queue.push({ inputs, rows, key, enqueuedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Re-examines the queue soon: call when `moreExpected()` may have turned false. */
  poke(): void {
    if (this.queue.length > 0) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(this.check);
  }

  private readonly check = (): void => {
    this.scheduled = false;
    if (this.running || this.queue.length === 0) return;
    const target = this.merge ? this.batchTarget(performance.now()) : this.queue[0].rows;
    if (target === 0) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    void this.execute(this.take(target));
  };

  /** Rows to send now, or 0 to keep waiting (a timer is then armed for the oldest request's deadline). */
  private batchTarget(now: number): number {
    const head = this.queue[0];
    let available = 0;
    for (let i = 0; i < this.queue.length && available < this.maxBatchSize; i++)
      if (this.queue[i].key === head.key) available += this.queue[i].rows;
    for (const size of this.preferred) if (size <= available) return size;
    if (available >= this.maxBatchSize) return this.maxBatchSize;
    const waited = now - head.enqueuedAt;
    if (this.delayMs > 0 && waited < this.delayMs && this.moreExpected()) {
      if (this.timer === undefined)
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.check();
        }, this.delayMs - waited);
      return 0;
    }
    return this.maxBatchSize;
  }

  /** Removes and returns the head and the following compatible requests that fit in `target` rows. */
  private take(target: number): Pending[] {
    const head = this.queue[0];
    const batch: Pending[] = [head];
    let rows = head.rows;
    let remaining: Pending[] | undefined;
    let i = 1;
    for (; i < this.queue.length && rows < target; i++) {
      const next = this.queue[i];
      if (next.key === head.key && rows + next.rows <= target) {
        batch.push(next);
        rows += next.rows;
      } else {
        // A skipped request keeps its place: from here on, survivors are collected one by one.
        remaining ??= [];
        remaining.push(next);
      }
    }
    this.queue = remaining === undefined ? this.queue.slice(i) : remaining.concat(this.queue.slice(i));
    return batch;
  }

  private async execute(batch: Pending[]): Promise<void> {
    this.running = true;
    this.runningRequests = batch.length;
    let rows = 0;
    for (const request of batch) rows += request.rows;
    const started = performance.now();
    let ok = false;
    try {
      const inputs = batch.length === 1 ? batch[0].inputs : concatenate(batch, rows);
      const outputs = await this.runner(inputs, rows);
      const computeSeconds = (performance.now() - started) / 1000;
      this.runs++;
      ok = true;
      this.onBatch?.({ rows, requests: batch.length, computeSeconds, ok });
      let start = 0;
      for (const request of batch) {
        let mine: HostTensorMap;
        try {
          mine = batch.length === 1 ? outputs : sliceRows(outputs, rows, start, request.rows);
        } catch (error) {
          request.reject(error);
          start += request.rows;
          continue;
        }
        request.resolve({
          outputs: mine,
          queueSeconds: (started - request.enqueuedAt) / 1000,
          computeSeconds,
          batchRows: rows,
          batchRequests: batch.length,
        });
        start += request.rows;
      }
    } catch (error) {
      if (!ok) {
        this.runs++;
        this.onBatch?.({
          rows,
          requests: batch.length,
          computeSeconds: (performance.now() - started) / 1000,
          ok,
        });
      }
      for (const request of batch) request.reject(error);
    } finally {
      this.running = false;
      this.runningRequests = 0;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
