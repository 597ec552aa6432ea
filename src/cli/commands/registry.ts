import type { Command } from 'commander';
import { startLocalRegistry } from '../../local-registry/index.js';
import { action } from '../action.js';
import { emit, note } from '../output.js';
import { untilSignal } from './run.js';

export function registerRegistry(program: Command): void {
  const registry = program.command('registry').description('a local Confluent-compatible schema registry (Apicurio Registry, built from Maven Central)');
  registry
    .command('run')
    .description('build the local schema registry once (cached), run it with in-memory storage until SIGINT/SIGTERM; prints its URL for schemaRegistry.url and produce --registry')
    .action(
      action(async () => {
        const signal = untilSignal();
        const local = await startLocalRegistry({ log: note });
        emit({ running: true, url: local.url, pid: local.pid, log: local.logFile });
        note(`schema registry at ${local.url} (in memory: its schemas go when it stops); Ctrl-C stops it`);
        await signal;
        await local.stop();
        emit({ running: false, url: local.url });
      }),
    );
}
