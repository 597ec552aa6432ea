import type { Command } from 'commander';
import { generateToStream } from '../../generate/index.js';
import { action } from '../action.js';
import { note } from '../output.js';
import { parseIntOption } from '../options.js';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write synthetic labeled reviews as JSONL to stdout (deterministic for a seed)')
    .requiredOption('--count <n>', 'how many reviews', parseIntOption('--count', 0))
    .option('--seed <s>', 'random seed', parseIntOption('--seed', 0, 2 ** 32 - 1), 1)
    .action(
      action(async (_ctx, opts: { count: number; seed: number }) => {
        const summary = await generateToStream({ count: opts.count, seed: opts.seed }, process.stdout);
        note(`generated ${JSON.stringify(summary)}`);
      }),
    );
}
