/**
 * Writes generated reviews as JSON Lines. Lines are gathered into blocks of about 64 KiB
 * (one write per line would cost more than generating it), and the writer waits for
 * 'drain' whenever the stream's buffer is full, so memory stays flat for any count.
 */
import { once } from 'node:events';
import { generateReviews, isDeliberatelyInvalid, type GenerateOptions } from './generator.js';

const BLOCK_CHARS = 64 * 1024;

export interface GenerateSummary {
  written: number;
  /** Of `written`, how many are invalid on purpose (ingest rejects them). */
  invalid: number;
}

export async function generateToStream(options: GenerateOptions, out: NodeJS.WritableStream): Promise<GenerateSummary> {
  let written = 0;
  let invalid = 0;
  let block = '';
  let failure: unknown;
  const onError = (err: unknown): void => {
    failure ??= err;
  };
  out.on('error', onError);
  try {
    for (const review of generateReviews(options)) {
      block += `${JSON.stringify(review)}\n`;
      written++;
      if (isDeliberatelyInvalid(review)) invalid++;
      if (block.length >= BLOCK_CHARS) {
        await writeBlock(out, block, () => failure);
        block = '';
      }
    }
    if (block.length > 0) await writeBlock(out, block, () => failure);
  } finally {
    out.off('error', onError);
  }
  return { written, invalid };
}

async function writeBlock(out: NodeJS.WritableStream, block: string, failure: () => unknown): Promise<void> {
  const failed = failure();
  if (failed !== undefined) throw failed;
  if (!out.write(block)) {
    // `once` rejects on 'error' too, so a closed pipe (EPIPE) fails instead of hanging.
    await once(out, 'drain');
  }
}
