/** A progress report of an ROI run (stderr lines of the CLI, the jobs API's shape). */
export interface RoiProgressEvent {
  /** 'phantoms', 'cnn', 'heads', 'export' or 'report'. */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** Share of the whole run's estimated work done, in [0, 1]. */
  readonly fraction: number;
  /** Seconds left at the rate so far (null until 2 % is done). */
  readonly etaS: number | null;
  readonly message: string;
}

/**
 * Turns work done (in estimated seconds of each task) into overall progress with an ETA. The plan is a list of
 * task weights; each task reports its own fraction.
 */
export class ProgressPlan {
  private readonly weights: ReadonlyMap<string, number>;
  private readonly total: number;
  private readonly finished = new Map<string, number>();
  private readonly started = performance.now();

  /**
   * @param tasks - Task name → estimated cost (any unit; seconds work best).
   * @param listener - Receives every event.
   */
  constructor(
    tasks: Readonly<Record<string, number>>,
    private readonly listener: (event: RoiProgressEvent) => void = () => {},
  ) {
    this.weights = new Map(Object.entries(tasks).filter(([, w]) => w > 0));
    this.total = [...this.weights.values()].reduce((a, b) => a + b, 0) || 1;
  }

  /**
   * Reports progress of one task.
   *
   * @param task - A task name of the plan (unknown tasks count for nothing).
   * @param stage - Stage shown to the user.
   * @param done - Units done in the task.
   * @param total - Units of the task.
   * @param message - Text.
   */
  report(task: string, stage: string, done: number, total: number, message: string): void {
    this.finished.set(task, total > 0 ? Math.min(1, done / total) : 1);
    let work = 0;
    for (const [name, weight] of this.weights) work += weight * (this.finished.get(name) ?? 0);
    const fraction = work / this.total;
    const elapsed = (performance.now() - this.started) / 1000;
    this.listener({
      stage,
      done,
      total,
      fraction,
      etaS: fraction > 0.02 ? (elapsed * (1 - fraction)) / fraction : null,
      message,
    });
  }
}
