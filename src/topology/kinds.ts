import { stageRegistry } from '../stages/registry.js';
import { trainerOptions } from '../trainer/index.js';
import type { StageKind } from './validate.js';

/** Side outputs a kind requires, beyond its main output. */
const SIDE_OUTPUTS: Record<string, StageKind['sideOutputs']> = {
  gate: ['quarantine', 'quality'],
};

/** Every stage kind a topology may name: the stage registry plus the trainer. */
export function stageKinds(): Record<string, StageKind> {
  const kinds: Record<string, StageKind> = {};
  for (const [id, descriptor] of Object.entries(stageRegistry)) {
    kinds[id] = { options: descriptor.options, sideOutputs: SIDE_OUTPUTS[id] ?? [] };
  }
  kinds.train = { options: trainerOptions, sideOutputs: [] };
  return kinds;
}
