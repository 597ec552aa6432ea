import { ErrorCode, ReviewflowError } from '../errors.js';
import type { KindRegistry } from '../runtime/kinds.js';
import type { StageConfig, Topology } from '../topology/index.js';
import type { CliContext } from './context.js';

/** Which train stage, and so which model topic, a model command means. */
export function trainerStages(topology: Topology, kinds: KindRegistry): StageConfig[] {
  const trainers = kinds.trainingStages(topology.stages);
  if (trainers.length === 0) throw new ReviewflowError(ErrorCode.INVALID_TOPOLOGY, `${topology.file} has no train stage, so no model topic`, { retriable: false, hint: 'add a stage with kind: train' });
  return trainers;
}

/** The trainer publishing `model` (default: the first trainer's model), the model's topic, and the train stage. */
export function trainerFor(ctx: CliContext, model: string | undefined): { topic: string; model: string; stage: StageConfig } {
  const stages = trainerStages(ctx.topology, ctx.kinds);
  const modelOf = (s: StageConfig): string => (typeof s.options.model === 'string' ? s.options.model : 'sentiment');
  const stage = model === undefined ? stages[0]! : stages.find((s) => modelOf(s) === model);
  if (!stage) {
    throw new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, `no train stage of ${ctx.topology.file} publishes model ${model}`, { retriable: false, hint: `models here: ${stages.map(modelOf).join(', ')}` });
  }
  return { topic: stage.output, model: model ?? modelOf(stage), stage };
}
