/** Why an `@calcscope/ml` function refused its input. */
export type MlErrorCode =
  /** Matrix/label/score lengths disagree, or a matrix's data length is not rows × cols. */
  | 'SHAPE_MISMATCH'
  /** A label is not 0 or 1. */
  | 'INVALID_LABEL'
  /** Training or evaluation needs both classes (or enough rows of each) and does not have them. */
  | 'SINGLE_CLASS'
  /** A feature value or score is NaN or infinite. */
  | 'NON_FINITE'
  /** An option is out of range (k < 2 folds, C ≤ 0, empty grid, ...); the message names it. */
  | 'INVALID_OPTION'
  /** A matrix that must be positive definite is not (e.g. LDA covariance without shrinkage). */
  | 'NOT_POSITIVE_DEFINITE'
  /** An iterative solver hit its iteration limit before meeting its tolerance. */
  | 'NOT_CONVERGED';

/** Thrown by every function of `@calcscope/ml` for bad input; `code` says why, `message` says where. */
export class MlError extends Error {
  override readonly name = 'MlError';
  readonly code: MlErrorCode;

  constructor(code: MlErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
