/** A spec or argument the phantom generator cannot honour; `code` names the reason. */
export class PhantomSpecError extends Error {
  constructor(
    /** Machine-readable reason, e.g. 'unknown-vendor', 'bad-size', 'missing-mc'. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PhantomSpecError';
  }
}
