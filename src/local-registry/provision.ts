/**
 * Builds the local schema registry (Apicurio Registry, see registry/pom.xml) once, from
 * Maven Central: the Maven project under registry/ is copied into
 * .reviewflow/registry/build and Quarkus's build turns it into a runnable folder. A second
 * call with the same project files does nothing; changed files build afresh.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ErrorCode } from '../errors.js';
import { runMaven } from '../util/maven.js';
import { packageRoot } from '../util/paths.js';

export interface ProvisionedRegistry {
  /** target/quarkus-app/quarkus-run.jar of the build. */
  runJar: string;
  cached: boolean;
}

function projectDir(): string {
  return join(packageRoot(), 'registry');
}

export function registryCacheDir(): string {
  return join(packageRoot(), '.reviewflow', 'registry');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Names and contents of every project file: the cache key. */
function projectHash(): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(projectDir()).sort()) hash.update(relative(projectDir(), file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function runJarOf(buildDir: string): string {
  return join(buildDir, 'target', 'quarkus-app', 'quarkus-run.jar');
}

export async function provisionRegistry(log: (line: string) => void = () => {}): Promise<ProvisionedRegistry> {
  const cache = registryCacheDir();
  const build = join(cache, 'build');
  const marker = join(build, '.provisioned');
  const key = projectHash();
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === key && existsSync(runJarOf(build))) return { runJar: runJarOf(build), cached: true };

  log(`building the local schema registry (Apicurio Registry, from Maven Central) in ${build} ...`);
  // built aside and moved in place, so a concurrent reader never sees half a build
  const staging = join(cache, `build-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  cpSync(projectDir(), staging, { recursive: true });
  try {
    await runMaven(['-q', '-B', 'package', '-DskipTests'], { code: ErrorCode.REGISTRY_PROVISION, what: 'building the local schema registry', cwd: staging });
    writeFileSync(join(staging, '.provisioned'), key);
    rmSync(build, { recursive: true, force: true });
    renameSync(staging, build);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { runJar: runJarOf(build), cached: false };
}
