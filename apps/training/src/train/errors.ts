/** Why training, evaluation or report writing refused its input. */
export type TrainingErrorCode =
  /** Features or labels are malformed: wrong lengths, labels other than 0/1, NaN/Inf, too few rows of a class. */
  | 'INVALID_DATA'
  /** An option is outside its domain (unknown model family, fold count, seed). */
  | 'INVALID_OPTION'
  /** A feature table cannot be split into training and test rows (no `train` or no `test` rows). */
  | 'INVALID_SPLIT'
  /** The report folder of this run id already exists; reports are never overwritten. */
  | 'REPORT_EXISTS';

/** Thrown by `apps/training` model fitting, evaluation and reporting for bad input. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
  readonly code: TrainingErrorCode;

  constructor(code: TrainingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
