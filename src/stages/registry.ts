import { fatal } from '../errors.js';
import { augmentStage } from './augment.js';
import { cleanStage } from './clean.js';
import { gateStage } from './gate.js';
import type { StageDescriptor, StageInput, StageState } from './types.js';

/** A descriptor with its option and state types erased, as topologies and the runtime see it. */
export type AnyStageDescriptor = StageDescriptor<unknown, StageState | undefined, StageInput>;

/** Every built-in stage, by its stable id. Adding a stage means adding it here. */
export const stageRegistry: Readonly<Record<string, AnyStageDescriptor>> = Object.freeze({
  [cleanStage.id]: cleanStage,
  [augmentStage.id]: augmentStage,
  [gateStage.id]: gateStage,
});

export const stageIds: readonly string[] = Object.freeze(Object.keys(stageRegistry));

export function getStage(id: string): AnyStageDescriptor {
  const stage = Object.hasOwn(stageRegistry, id) ? stageRegistry[id] : undefined;
  if (stage === undefined) {
    throw fatal('INVALID_TOPOLOGY', `unknown stage kind "${id}"; known stage kinds: ${stageIds.join(', ')}`, {
      hint: `use one of ${stageIds.join(', ')} as the stage kind`,
      details: { kind: id, known: stageIds },
    });
  }
  return stage;
}
