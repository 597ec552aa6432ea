import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { childLogger } from '../../log.js';
import { action } from '../action.js';
import type { CliContext } from '../context.js';
import { workerLogArgs } from '../logging.js';
import { emit, note } from '../output.js';
import { parseIntOption } from '../options.js';
import { parseMetricsTarget, workerMetricsTarget } from '../metrics-target.js';
import { superviseWorkers } from '../supervisor.js';

interface RunOptions {
  stages?: string;
  instances?: number;
  instanceIndex?: number;
  maxRestarts?: number;
  /** Overrides the topology's `fuse` when given. */
  fuse?: boolean;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function runInProcess(ctx: CliContext, stageIds: string[] | undefined, index: number, fuse: boolean | undefined): Promise<void> {
  const { Pipeline, selectStages } = await import('../../runtime/pipeline.js');
  const log = childLogger({ component: 'run', pid: process.pid });
  const pipeline = new Pipeline({ kafka: ctx.kafka, topology: ctx.topology, kinds: ctx.kinds, ...(stageIds ? { stages: stageIds } : {}), instance: `${process.pid}`, instanceIndex: index, ...(fuse !== undefined ? { fuse } : {}), logger: log });
  const signal = untilSignal();
  await pipeline.start();
  note(`running ${selectStages(ctx.topology, stageIds).map((s) => s.id).join(', ')} (pid ${process.pid}); Ctrl-C drains and exits`);
  const outcome = await Promise.race([signal.then((s) => ({ signal: s })), pipeline.failed().catch((error: Error) => ({ error }))]);
  if ('error' in outcome) {
    // a consumer stopped for good: drain the rest and exit non-zero so a supervisor restarts us
    note(`a stage failed for good: ${outcome.error.message}; draining the others...`);
    await pipeline.stop();
    process.exitCode = 1;
    return;
  }
  const received = outcome.signal;
  note(`${received}: draining in-flight batches...`);
  await pipeline.stop();
  const { stages, trainers } = pipeline.progress();
  emit({ stopped: true, signal: received, stages: stages.map((s) => ({ stage: s.stage, ...s.session })), trainers: trainers.map((t) => ({ stage: t.stage, published: t.published, rejected: t.rejected, examplesSeen: t.examplesSeen })) });
}

/** The global options a worker inherits from its supervisor. */
interface WorkerGlobals {
  backend?: string;
  otel?: string;
  metrics?: string;
}

/** The flags, or else REVIEWFLOW_METRICS: a worker must not inherit one port from the environment. */
function workerGlobals(ctx: CliContext, command: Command): WorkerGlobals {
  const globals = command.optsWithGlobals<WorkerGlobals>();
  const metrics = globals.metrics ?? ctx.env.metrics;
  return { ...globals, ...(metrics ? { metrics } : {}) };
}

/** N worker processes of the same stages: one consumer group, partitions spread over them; crashed workers come back. */
async function supervise(o: { stageIds: string[] | undefined; instances: number; topologyPath: string; fuse: boolean | undefined; maxRestarts: number; globals: WorkerGlobals }): Promise<void> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const metrics = o.globals.metrics === undefined ? undefined : parseMetricsTarget(o.globals.metrics);
  const args = (i: number): string[] => [
    main, 'run', '--topology', o.topologyPath, '--instance-index', String(i),
    ...(o.globals.backend ? ['--backend', o.globals.backend] : []),
    ...(o.globals.otel ? ['--otel', o.globals.otel] : []),
    ...(metrics ? ['--metrics', workerMetricsTarget(metrics, i)] : []),
    // workers write to our stderr: the same log level and format as ours
    ...workerLogArgs(),
    ...(o.stageIds ? ['--stages', o.stageIds.join(',')] : []),
    ...(o.fuse !== undefined ? [o.fuse ? '--fuse' : '--no-fuse'] : []),
  ];
  const result = await superviseWorkers({ count: o.instances, args, maxRestarts: o.maxRestarts, stop: untilSignal() });
  emit({ stopped: true, signal: result.signal ?? null, workers: o.instances, restarts: result.restarts, gaveUp: result.gaveUp });
  // a worker given up on is a failure a process supervisor (systemd, Kubernetes) must see
  if (result.gaveUp.length > 0) process.exitCode = 1;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run stages until SIGINT/SIGTERM, then drain and exit 0')
    .option('--stages <ids>', 'comma-separated stage ids (default: all)')
    .option('--instances <n>', 'worker processes to start (one consumer group)', parseIntOption('--instances', 1, 64))
    .option('--fuse', 'pass records between consecutive stages of this process in memory; the topics between them stay empty')
    .option('--no-fuse', 'every stage reads and writes its own topics (overrides `fuse: true` in the topology)')
    .option('--max-restarts <n>', 'with --instances: restarts in a row before a crashing worker is given up on (backoff 1 s, 2 s, 4 s … 30 s; the count resets after a minute up)', parseIntOption('--max-restarts', 0, 1000), 5)
    .option('--instance-index <i>', 'this worker\'s index (set by the supervisor)', parseIntOption('--instance-index', 0, 63))
    .action(
      action(async (ctx, opts: RunOptions, command: Command) => {
        const stageIds = opts.stages ? opts.stages.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
        const { selectStages } = await import('../../runtime/pipeline.js');
        selectStages(ctx.topology, stageIds); // fail fast on unknown ids
        if (opts.instances && opts.instances > 1) await supervise({ stageIds, instances: opts.instances, topologyPath: ctx.topologyPath, fuse: opts.fuse, maxRestarts: opts.maxRestarts ?? 5, globals: workerGlobals(ctx, command) });
        else await runInProcess(ctx, stageIds, opts.instanceIndex ?? 0, opts.fuse);
      }),
    );
}
