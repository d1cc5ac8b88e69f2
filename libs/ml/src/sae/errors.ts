/** Machine-readable reasons `trainSae` or an `SaeModel` refuses its input. */
export type SaeErrorCode =
  /** Feature matrix or labels malformed: wrong length, non-finite values, labels other than 0/1, one class only. */
  | 'INVALID_DATA'
  /** An option is out of range (hidden sizes, noise, epochs, batch size, learning rate, fractions). */
  | 'INVALID_OPTION'
  /** Model parameters are inconsistent (array lengths do not match the layer sizes). */
  | 'INVALID_MODEL';

/** Thrown by the SAE code for bad input; `code` says which rule was broken. */
export class SaeError extends Error {
  readonly code: SaeErrorCode;

  constructor(code: SaeErrorCode, message: string) {
    super(message);
    this.name = 'SaeError';
    this.code = code;
  }
}
