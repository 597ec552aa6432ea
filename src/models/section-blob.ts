/**
 * The framing both weight blobs share (a full version's "RFW1" and a delta's "RFD1"): a
 * u32 LE magic, a u32 LE header length, a JSON header that says where each section lies,
 * then 8-byte aligned binary sections (typed arrays, LE). Big arrays are never JSON.
 */

export type Sections = Record<string, [offset: number, length: number]>;

const align8 = (n: number): number => (n + 7) & ~7;

/** Where each section goes, in plan order, each starting 8-byte aligned. */
export function layoutSections(plan: ReadonlyArray<readonly [name: string, length: number]>): { sections: Sections; bodyLength: number } {
  const sections: Sections = {};
  let bodyLength = 0;
  for (const [name, length] of plan) {
    sections[name] = [bodyLength, length];
    bodyLength = align8(bodyLength + length);
  }
  return { sections, bodyLength };
}

/** The length of the blob `allocateBlob` makes for this header and body. */
export function blobLength(header: { sections: Sections }, bodyLength: number): number {
  return align8(8 + Buffer.byteLength(JSON.stringify(header), 'utf8')) + bodyLength;
}

/**
 * A zero-filled blob with its preamble and header written; `at(name)` is the byte offset,
 * in `out.buffer`, where a section's data goes.
 */
export function allocateBlob(magic: number, header: { sections: Sections }, bodyLength: number): { out: Buffer; at(name: string): number } {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyStart = align8(8 + headerBytes.length);
  // Buffer.alloc zero-fills and never uses the shared pool: padding is deterministic, offset 0.
  const out = Buffer.alloc(bodyStart + bodyLength);
  out.writeUInt32LE(magic, 0);
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  return { out, at: (name) => out.byteOffset + bodyStart + header.sections[name]![0] };
}

export interface ReadBlob {
  /** The header as parsed JSON, not yet checked. */
  json: unknown;
  /** The blob, copied when it was not 8-byte aligned (typed-array views need aligned offsets). */
  bytes: Uint8Array;
  /** The byte offset in `bytes.buffer` of a section that must hold exactly `expected` bytes. */
  section(sections: Sections, name: string, expected: number): number;
}

/** Reads the preamble and the header's JSON; `corrupt` makes the error thrown for a bad blob. */
export function readBlob(input: Uint8Array, magic: number, corrupt: (message: string, cause?: unknown) => Error): ReadBlob {
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  if (bytes.length < 8) throw corrupt('shorter than the 8-byte preamble');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== magic) throw corrupt(`bad magic (not ${magicName(magic)})`);
  const headerLength = dv.getUint32(4, true);
  if (headerLength > bytes.length - 8) throw corrupt('header length past the end');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'));
  } catch (err) {
    throw corrupt('header is not JSON', err);
  }
  const bodyStart = align8(8 + headerLength);
  return {
    json,
    bytes,
    section(sections, name, expected) {
      const entry = sections[name];
      if (!entry) throw corrupt(`missing section ${name}`);
      const [offset, length] = entry;
      if (length !== expected) throw corrupt(`section ${name} has ${length} bytes, expected ${expected}`);
      if (offset % 8 !== 0 || bodyStart + offset + length > bytes.length) throw corrupt(`section ${name} out of bounds`);
      return bytes.byteOffset + bodyStart + offset;
    },
  };
}

function magicName(magic: number): string {
  const name = Buffer.alloc(4);
  name.writeUInt32LE(magic, 0);
  return `an ${name.toString('latin1')} blob`;
}
