import { isReviewflowError, type ReviewflowError } from '../../src/errors.js';

/** The ReviewflowError a call fails with; anything else (or success) fails the test. */
export async function failureOf(work: Promise<unknown>): Promise<ReviewflowError> {
  const outcome = await work.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isReviewflowError(outcome)) throw new Error(`expected a ReviewflowError, got ${String(outcome)}`);
  return outcome;
}
