/** Machine-readable reasons the CNN code refuses its input. */
export type CnnErrorCode =
  /** Images or labels malformed: lengths, non-finite values, labels other than 0/1, one class only. */
  | 'INVALID_DATA'
  /** An option or architecture field is out of range (sizes, strides, epochs, batch size, rates). */
  | 'INVALID_OPTION'
  /** Model parameters are inconsistent with the architecture (missing tensors, wrong lengths). */
  | 'INVALID_MODEL';

/** Thrown by the CNN code for bad input; `code` says which rule was broken. */
export class CnnError extends Error {
  readonly code: CnnErrorCode;

  constructor(code: CnnErrorCode, message: string) {
    super(message);
    this.name = 'CnnError';
    this.code = code;
  }
}
