/** The errno code (ENOENT, EACCES, EISDIR, ...) of a file-system error, for reasons and messages. */
export function errnoCode(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
