/**
 * A dataset summary as the report reads it: any JSON-like object, typically the dataset module's
 * `DatasetSummary` (counts per split and label, images without lesions with their ids, how often the
 * lesion-picking rule was needed, failures...). The report prints every field, so it needs no knowledge of
 * the summary's exact shape.
 */
export type DatasetSummaryLike = object;

/** What the report records besides the experiment itself. */
export interface ReportContext {
  /** Run id (default: `makeRunId(experiment start, seed)`, i.e. `YYYYMMDD-HHMMSS-<seed>`). */
  readonly runId?: string;
  /** Code commit; undefined → read from git (`readCodeCommit`), null → recorded as unknown. */
  readonly commit?: string | null;
  /** Summary of the data the tables came from. */
  readonly dataset?: DatasetSummaryLike;
  /** The command line that started the run, for the record. */
  readonly command?: string;
  /** Wall times of stages outside the experiment (e.g. `featureExtraction`), in seconds. */
  readonly timings?: Readonly<Record<string, number>>;
}
