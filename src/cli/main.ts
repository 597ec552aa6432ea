#!/usr/bin/env node
import { Command, Option } from 'commander';
import { BACKEND_PREFERENCES } from '../trainer/options.js';
import { readEnvironment } from './env.js';
import { parseMetricsTarget } from './metrics-target.js';
import { fail, note } from './output.js';
import { DEFAULT_TOPOLOGY } from './context.js';
import { applyLogging, logOptions, resolveLogging, type LogFlags } from './logging.js';
import { registerBroker } from './commands/broker.js';
import { registerConsume } from './commands/consume.js';
import { registerGenerate } from './commands/generate.js';
import { registerProduce } from './commands/produce.js';
import { registerRegistry } from './commands/registry.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerTopics } from './commands/topics.js';
import { registerModels } from './commands/models.js';
import { registerPredict } from './commands/predict.js';
import { registerServe } from './commands/serve.js';
import { registerDemo } from './commands/demo.js';
import { registerAcls } from './commands/acls.js';
import { registerRetrain } from './commands/retrain.js';

const environment = readEnvironment();
// before the command line is parsed (an error there), the defaults; the flags apply in preAction
applyLogging(resolveLogging({}, environment, process.stderr.isTTY === true));

const program = new Command()
  .name('reviewflow')
  .description('Kafka dataflow stream processor for continuous training on streaming reviews')
  .option('--topology <file>', 'topology file', DEFAULT_TOPOLOGY)
  .option('--otel <exporter>', 'export traces: console or otlp (OTEL_EXPORTER_OTLP_ENDPOINT)')
  .option('--metrics <exporter>', 'export metrics: prometheus[:PORT] (serves /metrics, default port 9464) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT); default REVIEWFLOW_METRICS')
  .addOption(new Option('--backend <name>', 'trainer backend (overrides the topology)').choices([...BACKEND_PREFERENCES]));
for (const option of logOptions()) program.addOption(option);
program.showHelpAfterError();

// the logging the flags ask for, and the tracing and metrics SDKs, before any command runs (so every span and count of the run is exported)
let stopOtel: (() => Promise<void>) | undefined;
let stopMetrics: (() => Promise<void>) | undefined;
program.hook('preAction', async (_program, actionCommand) => {
  const opts = actionCommand.optsWithGlobals<{ otel?: string; metrics?: string; instances?: number } & LogFlags>();
  applyLogging(resolveLogging(opts, environment, process.stderr.isTTY === true));
  try {
    if (opts.otel && !stopOtel) {
      const { startOtel } = await import('./otel.js');
      stopOtel = startOtel(opts.otel);
    }
    // a supervisor of N workers exports nothing itself: each worker serves its own port
    const supervising = actionCommand.name() === 'run' && (opts.instances ?? 1) > 1;
    const metricsSpec = opts.metrics ?? environment.metrics;
    if (metricsSpec && !stopMetrics && !supervising) {
      const { startMetrics } = await import('./metrics.js');
      stopMetrics = await startMetrics(parseMetricsTarget(metricsSpec), note);
    }
  } catch (err) {
    fail(err);
    process.exit(process.exitCode ?? 1);
  }
});

registerBroker(program);
registerRegistry(program);
registerTopics(program);
registerGenerate(program);
registerProduce(program);
registerConsume(program);
registerRun(program);
registerStatus(program);
registerModels(program);
registerPredict(program);
registerServe(program);
registerDemo(program);
registerAcls(program);
registerRetrain(program);

await program.parseAsync(process.argv);
await stopOtel?.();
await stopMetrics?.();
// A full pipe makes stdout writes asynchronous: let them reach the reader before exiting.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
// kafkajs keeps timers alive after disconnect; every command has finished its work here.
process.exit(process.exitCode ?? 0);
