import type { Command } from 'commander';
import { topicSpecs, toMermaid } from '../../topology/index.js';
import { action } from '../action.js';
import { emit, note } from '../output.js';

export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('topics of the topology')
    .command('create')
    .description("create the topology's topics (idempotent)")
    .action(
      action(async (ctx) => {
        const specs = topicSpecs(ctx.topology);
        const created = await ctx.kafka.withAdmin((admin) => admin.ensureTopics(specs));
        for (const name of created) note(`created ${name}`);
        emit({ created: created.length, existing: specs.length - created.length, topics: specs.map((s) => s.name) });
      }),
    );

  program
    .command('topology')
    .description('the topology file')
    .command('show')
    .description('validate the topology and render it (Mermaid by default)')
    .option('--format <format>', 'mermaid or json', 'mermaid')
    .action(
      action(async (ctx, opts: { format: string }) => {
        if (opts.format === 'json') emit(ctx.topology);
        else process.stdout.write(`${toMermaid(ctx.topology)}\n`);
      }),
    );
}
