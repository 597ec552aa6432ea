import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { checkLabelName, requireRetained, rollbackTarget } from '../../models/labels.js';
import type { ModelLabel } from '../../records/types.js';
import { moveModelLabel } from '../../runtime/model-topic.js';
import { action } from '../action.js';
import type { CliContext } from '../context.js';
import { emit } from '../output.js';
import { parseIntOption } from '../options.js';
import { trainerFor } from '../model-topics.js';

interface MoveOptions {
  model?: string;
  label: string;
  reason?: string;
  by: string;
}

function defaultActor(): string {
  return `${userInfo().username}@${hostname()}`;
}

/** Reads the model topic, moves the label to the version `choose` picks, and prints the label record. */
async function move(ctx: CliContext, opts: MoveOptions, why: 'label' | 'rollback', choose: (o: { retained: number[]; current: ModelLabel | undefined; model: string }) => number): Promise<void> {
  const label = checkLabelName(opts.label);
  const { topic, model } = trainerFor(ctx, opts.model);
  const moved = await moveModelLabel(ctx.kafka, topic, { model, label, action: why, by: opts.by, reason: opts.reason ?? null, choose: ({ retained, current }) => choose({ retained, current, model }) });
  if (!moved) throw new Error(`models ${why}: no version chosen (a bug)`);
  const { record, previous, retained } = moved;
  emit({ model, label, version: record.version, previous: previous?.version ?? null, action: why, by: record.by, at: new Date(record.at).toISOString(), reason: record.reason, retained, topic });
}

export function registerLabelCommands(models: Command): void {
  models
    .command('label')
    .description('point a label (stable, canary, ...) at a retained version; serve and predict following the label swap to it')
    .requiredOption('--version <v>', 'the version to label', parseIntOption('--version', 1))
    .requiredOption('--label <name>', 'label name, e.g. stable')
    .option('--model <name>', "model name (default: the first trainer's model)")
    .option('--reason <text>', 'why, kept in the label record')
    .option('--by <who>', 'who moves it, kept in the label record', defaultActor())
    .action(
      action(async (ctx, opts: MoveOptions & { version: number }) => {
        await move(ctx, opts, 'label', ({ retained, model }) => {
          requireRetained(model, opts.version, retained);
          return opts.version;
        });
      }),
    );
  models
    .command('rollback')
    .description('move a label back: to --to V, or to the previous older version it pointed to')
    .option('--to <v>', 'the version to move the label to', parseIntOption('--to', 1))
    .option('--label <name>', 'the label to move', 'stable')
    .option('--model <name>', "model name (default: the first trainer's model)")
    .option('--reason <text>', 'why, kept in the label record')
    .option('--by <who>', 'who rolls back, kept in the label record', defaultActor())
    .action(
      action(async (ctx, opts: MoveOptions & { to?: number }) => {
        await move(ctx, opts, 'rollback', ({ retained, current, model }) =>
          rollbackTarget({ model, label: opts.label, current, retained, ...(opts.to !== undefined ? { to: opts.to } : {}) }),
        );
      }),
    );
}
