/** A one-shot signal that a runner failed for good; the CLI turns it into a non-zero exit. */
export class FailureSignal {
  private reject: ((err: Error) => void) | undefined;
  readonly failed: Promise<never>;

  constructor() {
    this.failed = new Promise<never>((_, reject) => (this.reject = reject));
    this.failed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  fail(err: Error): void {
    this.reject?.(err);
    this.reject = undefined;
  }
}
