/**
 * Splits a byte stream into lines with memory bounded by the line limit, whatever the
 * input size. `readline` would buffer a 10 GB line whole; this splitter stops keeping the
 * bytes of a line once it passes `maxLineBytes` and only counts them until the next
 * newline, then reports the line as too long.
 *
 * Lines are handed out as bytes, not strings, so a UTF-8 character split across chunks
 * is decoded whole by the caller. A trailing CR is removed (CRLF files). A final line
 * without a newline is still a line. Line numbers are 1-based and count every line,
 * blank ones included, so they match what an editor shows.
 */

export type SplitLine =
  | { line: number; bytes: Buffer; tooLongBytes?: undefined }
  /** The line's length in bytes (without its LF), counted but not kept. */
  | { line: number; bytes?: undefined; tooLongBytes: number };

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private readonly maxLineBytes: number;
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private lineNumber = 1;

  constructor(options: { maxLineBytes: number }) {
    this.maxLineBytes = options.maxLineBytes;
  }

  /** Bytes held for the line in progress; never more than `maxLineBytes`. */
  get bufferedBytes(): number {
    // While skipping, `pendingBytes` counts the line's length but nothing is held.
    return this.skipping ? 0 : this.pendingBytes;
  }

  /** Appends the complete lines found in `chunk` to `out`. */
  push(chunk: Buffer, out: SplitLine[]): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, start);
      if (newline === -1) break;
      this.finishLine(chunk.subarray(start, newline), out);
      start = newline + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** Flushes a final line that had no newline. */
  end(out: SplitLine[]): void {
    if (this.skipping || this.pendingBytes > 0) this.finishLine(Buffer.alloc(0), out);
  }

  private hold(rest: Buffer): void {
    if (this.skipping) {
      this.pendingBytes += rest.length;
      return;
    }
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.startSkipping(rest.length);
      return;
    }
    this.pieces.push(rest);
    this.pendingBytes += rest.length;
  }

  private startSkipping(extraBytes: number): void {
    this.skipping = true;
    this.pieces = [];
    this.pendingBytes += extraBytes;
  }

  private finishLine(tail: Buffer, out: SplitLine[]): void {
    const line = this.lineNumber++;
    const total = this.pendingBytes + tail.length;
    if (this.skipping || total > this.maxLineBytes) {
      out.push({ line, tooLongBytes: total });
    } else {
      let bytes = this.pieces.length === 0 ? tail : Buffer.concat([...this.pieces, tail], total);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      out.push({ line, bytes });
    }
    this.pieces = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }
}

const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * The stream as Buffers without a leading UTF-8 byte-order mark. The first bytes are
 * held until three have arrived, so a BOM split across chunks is still removed.
 */
export async function* withoutBom(stream: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (head === undefined) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < BOM.length && startsLikeBom(head)) continue;
    const rest: Buffer = startsWithBom(head) ? head.subarray(BOM.length) : head;
    head = undefined;
    if (rest.length > 0) yield rest;
  }
  if (head !== undefined && head.length > 0 && !startsWithBom(head)) yield head;
}

function startsLikeBom(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== BOM[i]) return false;
  return true;
}

function startsWithBom(bytes: Buffer): boolean {
  return bytes.length >= BOM.length && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}
