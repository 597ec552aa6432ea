import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BrokerManager } from '../../broker/manager.js';
import { INPUT_FORMATS, type InputFormat } from '../../ingest/index.js';
import { publishedAs } from '../../models/delta-version.js';
import type { ModelVersion } from '../../records/types.js';
import { topicSpecs } from '../../topology/index.js';
import { action } from '../action.js';
import type { CliContext } from '../context.js';
import { emit, note } from '../output.js';
import { parseDurationOption, parseIntOption } from '../options.js';
import { untilSignal } from './run.js';

interface DemoOptions {
  file?: string;
  format: string;
  duration?: number;
  versions?: number;
  seed: number;
  rate: number;
  report: string;
  fuse?: boolean;
}

/** "1843 KiB float16 snapshot" or "212 KiB delta of 1843 KiB float16": what a version put on the topic. */
function publishedLine(m: ModelVersion): string {
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  const published = publishedAs(m);
  return published.as === 'snapshot' ? `${kib(published.bytes)} ${m.weights.encoding} snapshot` : `${kib(published.bytes)} delta of ${kib(m.weights.bytes)} ${m.weights.encoding}`;
}

/** Where the synthetic stream stopped last time, so a second demo continues it. */
function demoStatePath(): string {
  return join(process.cwd(), '.reviewflow', 'demo.json');
}

function readNextIndex(seed: number): number {
  const path = demoStatePath();
  if (!existsSync(path)) return 0;
  const state = JSON.parse(readFileSync(path, 'utf8')) as { seed: number; nextIndex: number };
  return state.seed === seed ? state.nextIndex : 0;
}

async function ensureBroker(ctx: CliContext): Promise<void> {
  if (ctx.hasBroker()) return;
  note('no broker configured: starting the embedded Kafka (first run provisions it from Maven Central)...');
  const state = await new BrokerManager({ log: note }).start();
  note(`embedded Kafka ${state.version} at ${state.bootstrap} (stop it with \`npx reviewflow broker stop\`)`);
}

/** What ends the demo: a signal, enough versions, a failed stage or --duration. */
function stopReasons(opts: DemoOptions, pipeline: { failed(): Promise<never> }, enough: Promise<void>): Array<Promise<string>> {
  const stops: Array<Promise<string>> = [
    untilSignal().then((s) => `signal ${s}`),
    enough.then(() => `${opts.versions} versions published`),
    pipeline.failed().catch((err: Error) => {
      process.exitCode = 1;
      return `a stage failed: ${err.message}`;
    }),
  ];
  if (opts.duration !== undefined) stops.push(new Promise((r) => setTimeout(() => r(`duration ${opts.duration! / 1000}s reached`), opts.duration)));
  return stops;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole topology on synthetic reviews (or --file) with live progress and a report')
    .option('--file <path>', 'stream this file instead of synthetic reviews')
    .option('--format <format>', `input format: ${INPUT_FORMATS.join(', ')}`, 'jsonl')
    .option('--duration <d>', 'stop after this long (e.g. 90s, 5m)', parseDurationOption)
    .option('--versions <n>', 'stop after this many model versions were published', parseIntOption('--versions', 1))
    .option('--seed <s>', 'seed of the synthetic stream', parseIntOption('--seed', 0), 1)
    .option('--rate <n>', 'synthetic records per second', parseIntOption('--rate', 1, 1_000_000), 5_000)
    .option('--report <path>', 'where to write the HTML report', 'report.html')
    .option('--fuse', 'pass records from clean to augment to gate in memory (see `run --fuse`)')
    .action(
      action(async (ctx, opts: DemoOptions) => {
        const startedAt = Date.now();
        // heavy modules (tfjs, wordnet) load only for the commands that run stages
        const { Pipeline } = await import('../../runtime/pipeline.js');
        const { Feeder } = await import('../demo/feeder.js');
        const { Progress } = await import('../demo/progress.js');
        const { collectReportData } = await import('../demo/report-data.js');
        const { renderTerminalSummary, writeReport } = await import('../../report/index.js');
        await ensureBroker(ctx);
        const { topology, kafka } = ctx;
        const created = await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
        note(`topology ${topology.name}: ${topology.stages.map((s) => s.id).join(' → ')}${created.length ? ` (created ${created.length} topics)` : ''}`);

        let versions = 0;
        let rejectedCandidates = 0;
        let reachedVersions: () => void = () => {};
        const enough = new Promise<void>((r) => (reachedVersions = r));
        let progress: InstanceType<typeof Progress> | undefined;
        const pipeline = new Pipeline({
          kafka,
          topology,
          kinds: ctx.kinds,
          instance: `demo-${process.pid}`,
          ...(opts.fuse ? { fuse: true } : {}),
          onModelPublished: (m) => {
            versions++;
            const pct = (x: number | null): string => (x == null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
            progress?.log(`model ${m.model} v${m.version} published: holdout ${pct(m.metrics.holdoutAccuracy)}, prequential ${pct(m.metrics.prequentialAccuracy)}, ${m.examplesSeen} examples, ${publishedLine(m)}, ${m.backend} backend, ${m.executor} executor`);
            if (opts.versions !== undefined && versions >= opts.versions) reachedVersions();
          },
          onCandidateRejected: (reason) => {
            rejectedCandidates++;
            progress?.log(`candidate rejected: ${reason}`);
          },
          onLabelRolledBack: (label) => progress?.log(`label ${label.label} of ${label.model} rolled back to v${label.version}: ${label.reason ?? 'no reason given'}`),
        });
        const seed = opts.seed;
        const feeder = new Feeder({ kafka, topic: topology.ingest, seed, startIndex: readNextIndex(seed), rate: opts.rate, ...(opts.file ? { file: opts.file, format: opts.format as InputFormat } : {}) });
        await pipeline.start();
        feeder.start();
        progress = new Progress(pipeline, feeder);
        progress.start();
        let why: string;
        try {
          why = await Promise.race(stopReasons(opts, pipeline, enough));
          progress.log(`stopping: ${why}; draining...`);
          await feeder.stop();
          await pipeline.stop();
        } finally {
          // hands stderr back even when draining failed, so the error reaches the terminal
          progress.stop();
        }
        mkdirSync(dirname(demoStatePath()), { recursive: true });
        if (!opts.file) writeFileSync(demoStatePath(), JSON.stringify({ seed, nextIndex: feeder.nextIndex }));

        const backend = pipeline.progress().trainers[0]?.backend ?? 'n/a';
        const data = await collectReportData({ kafka, topology, kinds: ctx.kinds, startedAt, backend, samples: progress.samples, rejectedCandidates });
        const reportPath = await writeReport(data, resolve(opts.report));
        note(renderTerminalSummary(data));
        note(`report: ${reportPath}`);
        emit({ stopped: why, produced: feeder.produced, rejected: feeder.rejected, versionsPublished: versions, rejectedCandidates, report: reportPath, seconds: Math.round((Date.now() - startedAt) / 1000) });
      }),
    );

  program
    .command('report')
    .description('write the run report (terminal summary + report.html) from what is on the topics')
    .option('--report <path>', 'where to write the HTML report', 'report.html')
    .action(
      action(async (ctx, opts: { report: string }) => {
        const { collectReportData } = await import('../demo/report-data.js');
        const { renderTerminalSummary, writeReport } = await import('../../report/index.js');
        const data = await collectReportData({ kafka: ctx.kafka, topology: ctx.topology, kinds: ctx.kinds, startedAt: Date.now(), backend: 'n/a' });
        const reportPath = await writeReport(data, resolve(opts.report));
        note(renderTerminalSummary(data));
        emit({ report: reportPath, versions: data.versions.length, stages: data.stages.length });
      }),
    );
}
