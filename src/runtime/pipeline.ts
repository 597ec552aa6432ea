import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { KafkaPort } from '../kafka/index.js';
import { childLogger } from '../log.js';
import { getStage } from '../stages/registry.js';
import type { StageConfig, Topology } from '../topology/index.js';
import { planChains, unreadInputs } from './fusion.js';
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
  /** Fuse consecutive stages (see fusion.ts); the topology's `fuse` when omitted. */
  fuse?: boolean;
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

/**
 * Runs several stages of one topology in this process. Each stage (or each chain of fused
 * stages) is its own consumer-group member; each trainer too. Stage runners exist once
 * start() has planned them.
 */
export class Pipeline {
  readonly stageRunners: StageRunner[] = [];
  readonly trainerRunners: TrainerRunner[] = [];
  private readonly log: Logger;
  private readonly selected: StageConfig[];
  private planned = false;

  constructor(private readonly o: PipelineOptions) {
    this.log = o.logger ?? childLogger({ component: 'pipeline' });
    this.selected = selectStages(o.topology, o.stages);
    for (const stage of this.selected) {
      if (stage.kind !== 'train') continue;
      this.trainerRunners.push(
        new TrainerRunner({
          kafka: o.kafka,
          stage,
          delivery: o.topology.delivery,
          instance: `${stage.id}-${this.instance}`,
          logger: this.log,
          ...(o.onModelPublished ? { onPublished: o.onModelPublished } : {}),
          ...(o.onCandidateRejected ? { onRejected: o.onCandidateRejected } : {}),
        }),
      );
    }
  }

  private get instance(): string {
    return this.o.instance ?? `${process.pid}`;
  }

  /** The stages each stage runner runs, fused ones joined (known once start() planned them). */
  get chains(): string[][] {
    return this.stageRunners.map((r) => r.stepProgress().map((p) => p.stage));
  }

  /**
   * Plans which stages fuse (that needs the broker: a stage whose group left records
   * unread on its topic must read them first), then makes one runner per chain.
   */
  private async planRunners(): Promise<void> {
    const fuse = this.o.fuse ?? this.o.topology.fuse;
    const downstream = fuse ? planChains(this.o.topology, this.selected, true).chains.flatMap((chain) => chain.slice(1)) : [];
    const plan = planChains(this.o.topology, this.selected, fuse, await unreadInputs(this.o.kafka, downstream));
    for (const { stage, reason } of plan.unfused) this.log.info({ stage, reason }, 'stage not fused with its upstream');
    for (const [stage, ...fused] of plan.chains) {
      if (fused.length > 0) this.log.info({ stages: [stage.id, ...fused.map((f) => f.id)] }, 'stages fused: one consumer, records passed in memory');
      this.stageRunners.push(
        new StageRunner({
          kafka: this.o.kafka,
          stage,
          descriptor: getStage(stage.kind),
          fused: fused.map((f) => ({ stage: f, descriptor: getStage(f.kind) })),
          delivery: this.o.topology.delivery,
          instance: `${stage.id}-${this.instance}`,
          instanceIndex: this.o.instanceIndex ?? 0,
          logger: this.log,
        }),
      );
    }
  }

  private get runners(): Runner[] {
    return [...this.stageRunners, ...this.trainerRunners];
  }

  async start(): Promise<void> {
    if (!this.planned) {
      this.planned = true;
      await this.planRunners();
    }
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
    return { stages: this.stageRunners.flatMap((r) => r.stepProgress()), trainers: this.trainerRunners.map((r) => r.progress()) };
  }
}
