import type { Command } from 'commander';
import { ErrorCode, ReviewflowError } from '../../errors.js';
import { publishedAs } from '../../models/delta-version.js';
import { readModelHistory } from '../../subscription/history.js';
import type { ModelLabel, ModelVersion } from '../../records/types.js';
import { action } from '../action.js';
import type { CliContext } from '../context.js';
import { trainerStages } from '../model-topics.js';
import { registerLabelCommands } from './model-labels.js';
import { emit } from '../output.js';

/** What `models list` shows of a version: everything but the configuration blob, and how it was published (snapshot or delta, and its bytes on the topic). */
export function versionSummary(v: ModelVersion & { verified?: boolean }): Record<string, unknown> {
  const { configJson: _config, ...rest } = v;
  return { ...rest, published: publishedAs(v) };
}

/** The last move of a label, as `models list` shows it: where, how, by whom, when, why, and from where. */
export function labelMoveSummary(l: ModelLabel): { version: number; action: string; by: string; at: string; reason: string | null; previous: number | null } {
  return { version: l.version, action: l.action, by: l.by, at: new Date(l.at).toISOString(), reason: l.reason, previous: l.history[0]?.version ?? null };
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('published model versions');
  models
    .command('list')
    .description('every published version with its metrics, whether it is still retained, and its labels, as JSONL (oldest first); the summary maps each model\'s labels to versions, and gives each label\'s last move (action, by, at, reason, previous version)')
    .option('--model <name>', 'only this model')
    .action(
      action(async (ctx, opts: { model?: string }) => {
        let count = 0;
        const labels: Record<string, Record<string, number>> = {};
        const labelMoves: Record<string, Record<string, ReturnType<typeof labelMoveSummary>>> = {};
        for (const topic of new Set(trainerStages(ctx.topology, ctx.kinds).map((s) => s.output))) {
          const { versions, index } = await readModelHistory(ctx.kafka, topic, opts.model);
          for (const v of versions) emit(versionSummary(v));
          for (const model of new Set(versions.map((v) => v.model))) {
            const pointers = [...index.labels(model).values()];
            if (pointers.length === 0) continue;
            labels[model] = Object.fromEntries(pointers.map((l) => [l.label, l.version]));
            labelMoves[model] = Object.fromEntries(pointers.map((l) => [l.label, labelMoveSummary(l)]));
          }
          count += versions.length;
        }
        emit({ versions: count, labels, labelMoves });
      }),
    );
  models
    .command('latest')
    .description('the newest verified version of each model, as JSON')
    .option('--model <name>', 'only this model')
    .action(
      action(async (ctx, opts: { model?: string }) => {
        let found = 0;
        for (const topic of new Set(trainerStages(ctx.topology, ctx.kinds).map((s) => s.output))) {
          const { versions } = await readModelHistory(ctx.kafka, topic, opts.model);
          const latest = new Map<string, ModelVersion & { verified: boolean }>();
          for (const v of versions) if (v.verified) latest.set(v.model, v);
          for (const v of latest.values()) {
            emit(versionSummary(v));
            found++;
          }
        }
        if (found === 0) throw new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, 'no verified model version has been published yet', { retriable: true, hint: 'run the train stage (`npx reviewflow run`) until it publishes' });
      }),
    );
  registerLabelCommands(models);
}
