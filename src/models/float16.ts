/**
 * IEEE 754 binary16 conversion on typed arrays (Node 20 has no Float16Array).
 * Encoding rounds to nearest, ties to even; decoding is one table lookup.
 */

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** One float32 to its binary16 bit pattern. */
export function toFloat16Bits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

let table: Float32Array | undefined;

/** All 65,536 binary16 values as float32, built on first use. */
export function float16Table(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) t[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) t[h] = mantissa === 0 ? sign * Infinity : NaN;
    else t[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  table = t;
  return t;
}

export function fromFloat16Bits(bits: number): number {
  return float16Table()[bits & 0xffff]!;
}

/**
 * Encodes `count` values of `src` starting at `srcOffset` into `dst` at `dstOffset`.
 * `srcBits` is a Uint32Array view of the same memory as `src` (pass it when encoding
 * many small runs of one array): normal numbers take an inline fast path.
 */
export function encodeFloat16(src: Float32Array, srcOffset: number, dst: Uint16Array, dstOffset: number, count: number, srcBits?: Uint32Array): void {
  const bits = srcBits ?? new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < count; i++) {
    const x = bits[srcOffset + i]!;
    const e = ((x >>> 23) & 0xff) - 112;
    if (e <= 0 || e >= 31) {
      dst[dstOffset + i] = toFloat16Bits(src[srcOffset + i]!); // zero, subnormal, overflow, NaN
      continue;
    }
    const mantissa = x & 0x7fffff;
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
    dst[dstOffset + i] = ((x >>> 16) & 0x8000) | half;
  }
}

export function decodeFloat16(src: Uint16Array, dst: Float32Array): void {
  const t = float16Table();
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i]!]!;
}
