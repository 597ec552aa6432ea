import { fatal } from '../errors.js';
import { stageRegistry, type AnyStageDescriptor } from '../stages/registry.js';
import type { StageConfig, StageKind } from '../topology/index.js';
import { trainerOptions } from '../trainer/index.js';
import type { Step, StepEnv } from './step.js';
import { TrainStep } from './train-step.js';
import { TransformStep } from './transform-step.js';

/**
 * Everything the runtime and the topology loader know about one stage kind: its options
 * and side outputs (validation), whether it can be fused, whether it trains models, and
 * how to build its step in a runner.
 */
export interface StageKindDefinition extends StageKind {
  readonly id: string;
  readonly description: string;
  /** Can take records in memory from the stage before it (fusion.ts). */
  readonly fusable: boolean;
  /** Trains models and publishes their versions to its output topic. */
  readonly trains: boolean;
  createStep(stage: StageConfig, env: StepEnv): Step;
}

/** A per-record transform (built in, or a user's defineStage) as a kind. */
export function transformKind(descriptor: AnyStageDescriptor, id: string = descriptor.id): StageKindDefinition {
  return {
    id,
    description: descriptor.description,
    options: descriptor.options,
    sideOutputs: descriptor.sideOutputs ?? [],
    fusable: true,
    trains: false,
    createStep: (stage, env) => new TransformStep(stage, descriptor, env.kafka, { originOf: env.originOf, schemaRegistry: env.schemaRegistry }),
  };
}

/** The incremental trainer: reads accepted reviews, publishes model versions. */
export const trainKind: StageKindDefinition = {
  id: 'train',
  description: 'Trains the sentiment model incrementally in mini-batches and publishes each accepted version',
  options: trainerOptions,
  sideOutputs: [],
  // its resume point is the published model's offsets on its own input topic
  fusable: false,
  trains: true,
  createStep: (stage, env) => new TrainStep(stage, env),
};

/** The kinds a topology may name, by the name it uses. */
export class KindRegistry {
  private readonly kinds: ReadonlyMap<string, StageKindDefinition>;

  constructor(kinds: Iterable<readonly [string, StageKindDefinition]>) {
    this.kinds = new Map(kinds);
  }

  get names(): string[] {
    return [...this.kinds.keys()];
  }

  get(name: string): StageKindDefinition {
    const kind = this.kinds.get(name);
    if (!kind) {
      throw fatal('INVALID_TOPOLOGY', `unknown stage kind "${name}"; known stage kinds: ${this.names.join(', ')}`, {
        hint: `use one of ${this.names.join(', ')}, or a module of yours: ./my-stage.js#exportName`,
        details: { kind: name, known: this.names },
      });
    }
    return kind;
  }

  of(stage: Pick<StageConfig, 'kind'>): StageKindDefinition {
    return this.get(stage.kind);
  }

  /** The stages that train models: their output topics carry model versions. */
  trainingStages(stages: readonly StageConfig[]): StageConfig[] {
    return stages.filter((s) => this.of(s).trains);
  }

  /** A registry with these kinds added (a topology's custom stages). */
  with(kinds: Iterable<readonly [string, StageKindDefinition]>): KindRegistry {
    return new KindRegistry([...this.kinds, ...kinds]);
  }

  /** What the topology loader checks stages against. */
  forValidation(): Record<string, StageKind> {
    return Object.fromEntries(this.kinds);
  }
}

/** Every built-in kind: the transforms of the stage registry and the trainer. */
export const builtinKinds = new KindRegistry([...Object.values(stageRegistry).map((d) => [d.id, transformKind(d)] as const), [trainKind.id, trainKind]]);
