#!/usr/bin/env node
import { Command } from 'commander';
import { configureLogging } from '../log.js';
import { readEnvironment } from './env.js';
import { DEFAULT_TOPOLOGY } from './context.js';
import { registerBroker } from './commands/broker.js';
import { registerConsume } from './commands/consume.js';
import { registerGenerate } from './commands/generate.js';
import { registerProduce } from './commands/produce.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerTopics } from './commands/topics.js';
import { registerModels } from './commands/models.js';
import { registerPredict } from './commands/predict.js';
import { registerDemo } from './commands/demo.js';

// kafkajs prints a notice about its v2 partitioner on every producer; we pin the partitioner.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
configureLogging({ level: readEnvironment().logLevel });

const program = new Command()
  .name('reviewflow')
  .description('Kafka dataflow stream processor for continuous training on streaming reviews')
  .option('--topology <file>', 'topology file', DEFAULT_TOPOLOGY)
  .showHelpAfterError();

registerBroker(program);
registerTopics(program);
registerGenerate(program);
registerProduce(program);
registerConsume(program);
registerRun(program);
registerStatus(program);
registerModels(program);
registerPredict(program);
registerDemo(program);

await program.parseAsync(process.argv);
// kafkajs keeps timers alive after disconnect; every command has finished its work here.
process.exit(process.exitCode ?? 0);
