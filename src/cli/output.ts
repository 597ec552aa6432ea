import { describeError, isReviewflowError } from '../errors.js';
import { writeStderrLine } from '../stderr-lines.js';

/** Machine-readable output: one JSON object per line on stdout; the summary is the last line. */
export function emit(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Human notes go to stderr so stdout stays parseable (above the progress bars while they draw). */
export function note(line: string): void {
  writeStderrLine(`${line}\n`);
}

/** Prints an error with what to do about it and sets a non-zero exit code. */
export function fail(err: unknown): void {
  const code = isReviewflowError(err) ? err.code : 'UNEXPECTED';
  writeStderrLine(`reviewflow: error [${code}]: ${describeError(err)}\n`);
  if (!isReviewflowError(err) && err instanceof Error && err.stack) writeStderrLine(`${err.stack}\n`);
  process.exitCode = isReviewflowError(err) && err.code === 'INVALID_TOPOLOGY' ? 3 : 1;
}
