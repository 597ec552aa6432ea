#!/usr/bin/env node
import { Command, Option } from 'commander';
import { BACKEND_PREFERENCES } from '../trainer/options.js';
import { configureLogging } from '../log.js';
import { readEnvironment } from './env.js';
import { DEFAULT_TOPOLOGY } from './context.js';
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

configureLogging({ level: readEnvironment().logLevel });

const program = new Command()
  .name('reviewflow')
  .description('Kafka dataflow stream processor for continuous training on streaming reviews')
  .option('--topology <file>', 'topology file', DEFAULT_TOPOLOGY)
  .option('--otel <exporter>', 'export traces: console or otlp (OTEL_EXPORTER_OTLP_ENDPOINT)')
  .addOption(new Option('--backend <name>', 'trainer backend (overrides the topology)').choices([...BACKEND_PREFERENCES]))
  .showHelpAfterError();

// wire the SDK before any command runs, so every span of the run is exported
let stopOtel: (() => Promise<void>) | undefined;
program.hook('preAction', async (_program, actionCommand) => {
  const mode = actionCommand.optsWithGlobals<{ otel?: string }>().otel;
  if (mode && !stopOtel) {
    const { startOtel } = await import('./otel.js');
    stopOtel = startOtel(mode);
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

await program.parseAsync(process.argv);
await stopOtel?.();
// A full pipe makes stdout writes asynchronous: let them reach the reader before exiting.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
// kafkajs keeps timers alive after disconnect; every command has finished its work here.
process.exit(process.exitCode ?? 0);
