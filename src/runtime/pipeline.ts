import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { KafkaPort } from '../kafka/index.js';
import { childLogger } from '../log.js';
import { getStage } from '../stages/registry.js';
import type { StageDescriptor, StageInput, StageState } from '../stages/types.js';
import type { StageConfig, Topology } from '../topology/index.js';
import { StageRunner, type StageProgress } from './stage-runner.js';
import { TrainerRunner, type TrainerProgress } from './trainer-runner.js';

export interface Runner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  kafka: KafkaPort;
  topology: Topology;
  /** Stage ids to run; all when omitted. */
  stages?: string[];
  /** Suffix that makes instance names unique across processes. */
  instance?: string;
  instanceIndex?: number;
  logger?: Logger;
  onModelPublished?: TrainerRunnerCallbacks['onPublished'];
  onCandidateRejected?: TrainerRunnerCallbacks['onRejected'];
}

type TrainerRunnerCallbacks = ConstructorParameters<typeof TrainerRunner>[0];

export function selectStages(topology: Topology, ids: string[] | undefined): StageConfig[] {
  if (!ids || ids.length === 0) return [...topology.stages];
  return ids.map((id) => {
    const stage = topology.stages.find((s) => s.id === id);
    if (!stage) {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `unknown stage "${id}" in --stages`, { retriable: false, hint: `the topology ${topology.file} has ${topology.stages.map((s) => s.id).join(', ')}` });
    }
    return stage;
  });
}

/** Runs several stages of one topology in this process; each is its own consumer-group member. */
export class Pipeline {
  readonly stageRunners: StageRunner[] = [];
  readonly trainerRunners: TrainerRunner[] = [];
  private readonly log: Logger;

  constructor(o: PipelineOptions) {
    this.log = o.logger ?? childLogger({ component: 'pipeline' });
    const instance = o.instance ?? `${process.pid}`;
    for (const stage of selectStages(o.topology, o.stages)) {
      if (stage.kind === 'train') {
        this.trainerRunners.push(
          new TrainerRunner({
            kafka: o.kafka,
            stage,
            delivery: o.topology.delivery,
            instance: `${stage.id}-${instance}`,
            logger: this.log,
            ...(o.onModelPublished ? { onPublished: o.onModelPublished } : {}),
            ...(o.onCandidateRejected ? { onRejected: o.onCandidateRejected } : {}),
          }),
        );
      } else {
        this.stageRunners.push(
          new StageRunner({
            kafka: o.kafka,
            stage,
            descriptor: getStage(stage.kind) as StageDescriptor<unknown, StageState | undefined, StageInput>,
            delivery: o.topology.delivery,
            instance: `${stage.id}-${instance}`,
            instanceIndex: o.instanceIndex ?? 0,
            logger: this.log,
          }),
        );
      }
    }
  }

  private get runners(): Runner[] {
    return [...this.stageRunners, ...this.trainerRunners];
  }

  async start(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.start()));
  }

  /** Drains every runner: in-flight batches finish and commit before this resolves. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Rejects when any runner's consumer stopped for good; resolves never. */
  failed(): Promise<never> {
    return Promise.race([...this.stageRunners, ...this.trainerRunners].map((r) => r.failure.failed));
  }

  progress(): { stages: StageProgress[]; trainers: TrainerProgress[] } {
    return { stages: this.stageRunners.map((r) => r.progress()), trainers: this.trainerRunners.map((r) => r.progress()) };
  }
}
