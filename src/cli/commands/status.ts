import type { Command } from 'commander';
import { collectStatus } from '../../runtime/status.js';
import { action } from '../action.js';
import { isolationOption, resolveIsolation, type Isolation } from '../isolation.js';
import { emit } from '../output.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per topic: record counts; per stage: in/out/quarantined/dead-lettered/duplicates and consumer lag')
    .addOption(isolationOption())
    .action(
      action(async (ctx, opts: { isolation?: Isolation }) => {
        // offsets count exactly while no transaction writes the topics; else read them as `consume` would
        const readTopics = opts.isolation !== undefined || ctx.topology.delivery === 'exactly-once';
        const { topics, stages } = await collectStatus(ctx.kafka, ctx.topology, readTopics ? { isolation: resolveIsolation(ctx.topology, opts.isolation) } : {});
        for (const t of topics) emit({ type: 'topic', ...t });
        for (const s of stages) emit({ type: 'stage', ...s });
        emit({
          type: 'summary',
          topics: topics.length,
          stages: stages.length,
          totalLag: stages.reduce((s, x) => s + x.lag, 0),
          identityHolds: stages.every((s) => s.identityHolds),
        });
      }),
    );
}
