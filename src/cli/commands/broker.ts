import type { Command } from 'commander';
import { BrokerManager } from '../../broker/manager.js';
import { emit, note } from '../output.js';
import { parseIntOption } from '../options.js';
import { action } from '../action.js';

export function registerBroker(program: Command): void {
  const broker = program.command('broker').description('the embedded local Kafka (KRaft, from Maven Central)');
  broker
    .command('start')
    .description('start the embedded broker (idempotent); prints its bootstrap address')
    .option('--brokers <n>', 'nodes in the KRaft cluster', parseIntOption('--brokers', 1, 9), 1)
    .action(
      action(async (_ctx, opts: { brokers: number }) => {
        const manager = new BrokerManager({ log: note });
        const state = await manager.start({ brokers: opts.brokers });
        note(state.alreadyRunning ? `embedded Kafka ${state.version} already running at ${state.bootstrap}` : `embedded Kafka ${state.version} started at ${state.bootstrap}`);
        emit({ running: true, alreadyRunning: state.alreadyRunning, bootstrap: state.bootstrap, brokers: state.nodes.length, version: state.version, stateDir: manager.stateDir });
      }),
    );
  broker
    .command('stop')
    .description('stop the embedded broker (data is kept unless --purge)')
    .option('--purge', 'also delete its data and state folder', false)
    .action(
      action(async (_ctx, opts: { purge: boolean }) => {
        const result = await new BrokerManager().stop({ purge: opts.purge });
        emit({ running: false, stopped: result.stopped, purged: opts.purge });
      }),
    );
  broker
    .command('status')
    .description('whether the embedded broker runs, and where')
    .action(
      action(async () => {
        emit(new BrokerManager().status());
      }),
    );
}
