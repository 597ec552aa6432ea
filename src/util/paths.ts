import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The package root (the folder holding package.json, schemas/ and kafka/), found by
 * walking up from this module so it works from src/ under vitest and from dist/ after tsc.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`reviewflow: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
