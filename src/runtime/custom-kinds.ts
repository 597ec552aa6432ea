import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, fatal } from '../errors.js';
import { isStageDescriptor } from '../stages/define-stage.js';
import { loadTopology, stageKindNames, type LoadOptions, type Topology } from '../topology/index.js';
import { builtinKinds, transformKind, type KindRegistry, type StageKindDefinition } from './kinds.js';

/** `./path/to/module.js#exportName` (or `../`, an absolute path, a file: URL). */
const MODULE_KIND = /^(?:\.{1,2}\/|\/|file:)[^#]+#[A-Za-z_$][\w$]*$/;

export function isModuleKind(kind: string): boolean {
  return MODULE_KIND.test(kind);
}

/** Imports one `module#export` kind, resolved against the topology file's folder. */
async function importKind(kind: string, topologyFile: string): Promise<StageKindDefinition> {
  const hash = kind.lastIndexOf('#');
  const specifier = kind.slice(0, hash);
  const name = kind.slice(hash + 1);
  const url = specifier.startsWith('file:') ? specifier : pathToFileURL(resolve(dirname(resolve(topologyFile)), specifier)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw fatal('INVALID_TOPOLOGY', `stage kind "${kind}": cannot import ${url}: ${describeError(err)}`, { hint: 'the path is relative to the topology file; point it at a built .js/.mjs module' });
  }
  const descriptor = module[name];
  if (!isStageDescriptor(descriptor)) {
    const exported = Object.keys(module).join(', ') || 'nothing';
    throw fatal('INVALID_TOPOLOGY', `stage kind "${kind}": ${specifier} has no stage export "${name}" (it exports ${exported})`, { hint: 'export the value defineStage({ kind, options, transform }) returns under that name' });
  }
  return transformKind(descriptor, kind);
}

/** The built-in kinds plus the custom stage modules a topology file names. */
export async function kindsForTopology(file: string, base: KindRegistry = builtinKinds): Promise<KindRegistry> {
  const custom = [...new Set(stageKindNames(file).filter(isModuleKind))];
  const entries = await Promise.all(custom.map(async (kind) => [kind, await importKind(kind, file)] as const));
  return base.with(entries);
}

/** Loads a topology with every kind it names, custom ones imported: what `run` and the demo use. */
export async function openTopology(file: string, options: Omit<LoadOptions, 'kinds'> = {}): Promise<{ topology: Topology; kinds: KindRegistry }> {
  const kinds = await kindsForTopology(file);
  return { topology: loadTopology(file, { ...options, kinds: kinds.forValidation() }), kinds };
}
