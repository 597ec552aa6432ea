/**
 * Record keys on a model topic. Compaction keeps the newest record per key, so each key
 * names exactly what must survive: every chunk and manifest of a version (until the
 * trainer tombstones the version), and the newest move of each label.
 */
export const modelKeys = {
  chunk: (model: string, version: number, index: number): string => `${model}/v${version}/chunk/${index}`,
  manifest: (model: string, version: number): string => `${model}/v${version}/manifest`,
  label: (model: string, label: string): string => `${model}/label/${label}`,
};

export type ModelKey =
  | { kind: 'chunk'; model: string; version: number; index: number }
  | { kind: 'manifest'; model: string; version: number }
  | { kind: 'label'; model: string; label: string };

const CHUNK = /^(.+)\/v(\d+)\/chunk\/(\d+)$/;
const MANIFEST = /^(.+)\/v(\d+)\/manifest$/;
const LABEL = /^(.+)\/label\/([^/]+)$/;

/**
 * What a key names; undefined for keys of no known shape (manifests of older releases
 * were keyed by the bare model name). Tombstones carry only their key, so this is how a
 * reader learns which version a tombstone removes.
 */
export function parseModelKey(key: string | Buffer | null): ModelKey | undefined {
  if (key === null) return undefined;
  const text = typeof key === 'string' ? key : key.toString('utf8');
  let m = CHUNK.exec(text);
  if (m) return { kind: 'chunk', model: m[1]!, version: Number(m[2]), index: Number(m[3]) };
  m = MANIFEST.exec(text);
  if (m) return { kind: 'manifest', model: m[1]!, version: Number(m[2]) };
  m = LABEL.exec(text);
  if (m) return { kind: 'label', model: m[1]!, label: m[2]! };
  return undefined;
}
