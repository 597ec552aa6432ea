import type { Command } from 'commander';
import { childLogger } from '../../log.js';
import { retrain } from '../../runtime/retrain.js';
import { parseWindowBound } from '../../runtime/retrain-window.js';
import { action } from '../action.js';
import { readIdList } from '../exclude-ids.js';
import { resolveIsolation } from '../isolation.js';
import { trainerFor } from '../model-topics.js';
import { emit } from '../output.js';

interface RetrainFlags {
  from: string;
  to?: string;
  model?: string;
  base?: string;
  excludeIds?: string;
}

export function registerRetrain(program: Command): void {
  program
    .command('retrain')
    .description("train a new lineage from a window of the trainer's input topic, next to the running trainer, and publish it under its own model name")
    .requiredOption('--from <TIME|OFFSETS>', 'start of the window: a time (ISO-8601 such as 2026-12-01T10:00:00Z, or epoch ms) or offsets per partition (0:100,1:250; only the partitions named are read)')
    .option('--to <TIME|OFFSETS>', 'end of the window, exclusive, in the same forms (default: the end of each partition when the command starts)')
    .option('--model <name>', 'name of the new lineage (default: <trainer model>@retrain-<UTC time>, a new branch)')
    .option('--base <model>', "the trainer whose input and options to use, by its model name (default: the first trainer's)")
    .option('--exclude-ids <file>', 'review ids never to train on (and their augmented copies): one a line, or JSON lines with an "id" as consume prints them')
    .action(
      action(async (ctx, flags: RetrainFlags) => {
        const from = parseWindowBound('--from', flags.from);
        const to = flags.to === undefined ? undefined : parseWindowBound('--to', flags.to);
        const { stage } = trainerFor(ctx, flags.base);
        const excludeIds = flags.excludeIds === undefined ? new Set<string>() : await readIdList(flags.excludeIds);
        const summary = await retrain({
          kafka: ctx.kafka,
          stage,
          model: flags.model,
          from,
          to,
          excludeIds,
          readCommitted: resolveIsolation(ctx.topology) === 'read-committed',
          log: childLogger({ command: 'retrain' }),
        });
        emit(summary);
      }),
    );
}
