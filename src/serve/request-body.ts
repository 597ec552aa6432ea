import type { IncomingMessage } from 'node:http';

/** A request the client must fix: its status and a message saying what to change. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export interface PredictLimits {
  /** Texts per request. */
  maxTexts: number;
  /** Characters per text. */
  maxTextChars: number;
  /** Bytes of the whole body. */
  maxBodyBytes: number;
}

export const DEFAULT_PREDICT_LIMITS: PredictLimits = { maxTexts: 256, maxTextChars: 20_000, maxBodyBytes: 4 * 1024 * 1024 };

/**
 * Reads the body, refusing more than `maxBytes` as soon as it arrives (no unbounded
 * buffering). Plain stream events, not `for await`: the async iterator costs a promise per
 * chunk, a measurable share of a one-text request.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BadRequest(413, `the body is ${declared} bytes, over the ${maxBytes}-byte limit`, 'send fewer or shorter texts per request'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      detach();
      // the rest is read and dropped; the reply closes the connection (prediction-server.ts)
      req.resume();
      reject(new BadRequest(413, `the body is over the ${maxBytes}-byte limit`, 'send fewer or shorter texts per request'));
    };
    const onEnd = (): void => {
      detach();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    // a client that went away mid-body is the client's failure, not the service's: a 400 in /metrics, no error logged
    const onGone = (): void => {
      detach();
      reject(new BadRequest(400, 'the client closed the connection before sending the whole body', 'send the whole body'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}

/** Checks a /v1/predict body: `{"texts": [string, ...]}` within the limits. */
export function parsePredictBody(req: IncomingMessage, body: Buffer, limits: PredictLimits): string[] {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new BadRequest(415, `content type "${type || 'none'}" is not JSON`, 'send Content-Type: application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new BadRequest(400, `the body is not valid JSON: ${(err as Error).message}`, 'send {"texts": ["a review", ...]}');
  }
  const texts = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { texts?: unknown }).texts : undefined;
  if (!Array.isArray(texts)) throw new BadRequest(400, '"texts" must be an array of strings', 'send {"texts": ["a review", ...]}');
  if (texts.length === 0) throw new BadRequest(400, '"texts" is empty', 'send at least one text');
  if (texts.length > limits.maxTexts) throw new BadRequest(413, `${texts.length} texts, over the limit of ${limits.maxTexts} per request`, `split them into requests of at most ${limits.maxTexts}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new BadRequest(400, `texts[${i}] is ${t === null ? 'null' : Array.isArray(t) ? 'an array' : `a ${typeof t}`}, not a string`, 'send every text as a JSON string');
    if (t.length > limits.maxTextChars) throw new BadRequest(413, `texts[${i}] has ${t.length} characters, over the limit of ${limits.maxTextChars}`, `shorten it to at most ${limits.maxTextChars} characters`);
  });
  return texts as string[];
}
