/**
 * An RFC 4180 record splitter over bytes. Quoted fields may hold commas, doubled quotes
 * and newlines, so one record can span several physical lines; each record reports the
 * line it starts on. It works on bytes because `"`, `,`, CR and LF never occur inside a
 * UTF-8 multi-byte sequence, so a character split across chunks is decoded whole, per
 * field. Memory is bounded: once a record passes `maxRecordBytes` its content is dropped
 * and the parser only follows the quoting to find where the record ends.
 *
 * Lenient where the RFC is silent: a bare `"` inside an unquoted field is kept as a
 * character; a line ending may be LF or CRLF. A blank line is skipped, not rejected.
 */
import { isUtf8 } from 'node:buffer';

export type CsvRow = { line: number; fields: string[]; error?: undefined } | { line: number; fields?: undefined; error: string };

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3; // a quote seen inside a quoted field: closes it, or starts `""`

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

export class CsvRowSplitter {
  private readonly maxRecordBytes: number;
  private state = FIELD_START;
  private pieces: Buffer[] = [];
  private fields: string[] = [];
  private storedBytes = 0;
  private recordBytes = 0;
  private overLimit = false;
  private error: string | undefined;
  private recordHasQuote = false;
  private physicalLine = 1;
  private recordLine = 1;
  private inRecord = false;

  constructor(options: { maxRecordBytes: number }) {
    this.maxRecordBytes = options.maxRecordBytes;
  }

  /** Bytes held for the record in progress (pieces of fields and decoded fields). */
  get bufferedBytes(): number {
    return this.storedBytes;
  }

  push(chunk: Buffer, out: CsvRow[]): void {
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (!this.inRecord) {
        this.inRecord = true;
        this.recordLine = this.physicalLine;
      }
      // A record's terminating LF is not part of its size; an LF inside quotes is.
      if (++this.recordBytes > this.maxRecordBytes && !this.overLimit && (b !== LF || this.state === QUOTED)) this.dropContent();
      switch (this.state) {
        case FIELD_START:
          if (b === QUOTE) {
            this.state = QUOTED;
            this.recordHasQuote = true;
            segStart = i + 1;
          } else if (b === COMMA) {
            this.finishField(undefined, false);
          } else if (b === LF) {
            this.finishField(undefined, false);
            this.endRecord(out, 1);
          } else {
            this.state = UNQUOTED;
            segStart = i;
          }
          break;
        case UNQUOTED:
          if (b === COMMA) {
            this.finishField(chunk.subarray(segStart, i), false);
            this.state = FIELD_START;
          } else if (b === LF) {
            this.finishField(chunk.subarray(segStart, i), true);
            this.endRecord(out, 1);
          }
          break;
        case QUOTED:
          if (b === QUOTE) {
            this.keep(chunk.subarray(segStart, i));
            this.state = AFTER_QUOTE;
          }
          break;
        default: // AFTER_QUOTE
          if (b === QUOTE) {
            this.state = QUOTED; // `""`: the second quote is content
            segStart = i;
          } else if (b === COMMA) {
            this.finishField(undefined, false);
            this.state = FIELD_START;
          } else if (b === LF) {
            this.finishField(undefined, false);
            this.endRecord(out, 1);
          } else if (b !== CR) {
            this.error ??= `unexpected character ${JSON.stringify(String.fromCharCode(b ?? 0))} after a closing quote`;
            this.state = UNQUOTED;
            segStart = i;
          }
      }
      if (b === LF) this.physicalLine++;
    }
    if (this.state === UNQUOTED || this.state === QUOTED) this.keep(chunk.subarray(segStart));
  }

  /** Flushes the last record when the input does not end with a newline. */
  end(out: CsvRow[]): void {
    if (!this.inRecord) return;
    if (this.state === QUOTED) {
      this.error ??= 'unterminated quoted field: a quote opened on this record is never closed';
    } else {
      this.finishField(undefined, this.state === UNQUOTED);
    }
    this.endRecord(out, 0);
  }

  private keep(segment: Buffer): void {
    if (this.overLimit || segment.length === 0) return;
    this.pieces.push(segment);
    this.storedBytes += segment.length;
  }

  private dropContent(): void {
    this.overLimit = true;
    this.pieces = [];
    this.fields = [];
    this.storedBytes = 0;
  }

  private finishField(tail: Buffer | undefined, stripCr: boolean): void {
    if (tail) this.keep(tail);
    if (this.overLimit) return;
    let bytes = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    if (stripCr && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (!isUtf8(bytes)) this.error ??= `field ${this.fields.length + 1} is not valid UTF-8`;
    this.fields.push(bytes.toString('utf8'));
    this.pieces = [];
  }

  /** `terminatorBytes`: the LF that ended the record, counted in recordBytes but not its size. */
  private endRecord(out: CsvRow[], terminatorBytes: number): void {
    const line = this.recordLine;
    if (this.overLimit) {
      out.push({ line, error: `record too long: ${this.recordBytes - terminatorBytes} bytes > ${this.maxRecordBytes}-byte limit` });
    } else if (this.error !== undefined) {
      out.push({ line, error: this.error });
    } else if (!(this.fields.length === 1 && this.fields[0] === '' && !this.recordHasQuote)) {
      out.push({ line, fields: this.fields });
    }
    this.state = FIELD_START;
    this.pieces = [];
    this.fields = [];
    this.storedBytes = 0;
    this.recordBytes = 0;
    this.overLimit = false;
    this.error = undefined;
    this.recordHasQuote = false;
    this.inRecord = false;
  }
}
