/** A half-open range of UTF-16 units in a text: what a finder found, for redaction to replace. */
export interface Span {
  start: number;
  end: number;
}
