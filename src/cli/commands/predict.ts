import type { Command } from 'commander';
import { ErrorCode, ReviewflowError } from '../../errors.js';
import { INPUT_FORMATS, readRecords, type InputFormat } from '../../ingest/index.js';
import { readModelHistory, type ModelHistory } from '../../subscription/history.js';
import { followOf } from '../../subscription/subscribe.js';
import { Predictor, requireRetained, type Follow, type LoadedModel } from '../../models/index.js';
import { prepareForPrediction } from '../../models/prepare.js';
import { action } from '../action.js';
import { emit } from '../output.js';
import { parseIntOption } from '../options.js';
import { trainerStages } from '../model-topics.js';

interface PredictOptions {
  text?: string;
  file?: string;
  format: string;
  version?: number;
  follow?: string;
  model?: string;
}

/** The retained version `follow` names, or an error that says which ones there are. */
function chooseVersion(history: ModelHistory, model: string | undefined, follow: Follow, topic: string): LoadedModel {
  const candidates = model !== undefined ? (history.loaded.get(model) ?? []) : [...history.loaded.values()].flat();
  const retained = candidates.map((c) => c.manifest.version);
  if (follow.kind === 'latest') {
    const newest = candidates[candidates.length - 1];
    if (!newest) throw new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, `no verified model version on ${topic}`, { retriable: true, hint: 'run the train stage until it publishes; list versions with `npx reviewflow models list`' });
    return newest;
  }
  let version = follow.kind === 'version' ? follow.version : undefined;
  if (follow.kind === 'label') {
    version = history.index.labels(model!).get(follow.label)?.version;
    if (version === undefined) throw new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, `label ${follow.label} of ${model} is not set`, { retriable: false, hint: `set it: npx reviewflow models label --model ${model} --version V --label ${follow.label}` });
  }
  requireRetained(model ?? 'the model', version!, retained);
  return candidates.find((c) => c.manifest.version === version)!;
}

const SLICE = 512;

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict sentiment with a published model; with a labeled file the summary has accuracy and n')
    .option('--text <text>', 'one text to score')
    .option('--file <path>', 'JSONL/CSV file of reviews (labels optional)')
    .option('--format <format>', `input format: ${INPUT_FORMATS.join(', ')}`, 'jsonl')
    .option('--version <v>', 'use this version instead of the newest', parseIntOption('--version', 1))
    .option('--follow <latest|label|version>', 'the newest version (latest, the default), the one a label points to, or a version')
    .option('--model <name>', 'model name (default: the first trainer\'s model)')
    .action(
      action(async (ctx, opts: PredictOptions) => {
        if (!opts.text && !opts.file) throw new ReviewflowError(ErrorCode.INVALID_INPUT, 'give --text or --file', { retriable: false, hint: 'npx reviewflow predict --text "great film"' });
        const stage = trainerStages(ctx.topology, ctx.kinds)[0]!;
        const model = opts.model ?? (typeof stage.options.model === 'string' ? stage.options.model : undefined);
        const follow = followOf({ ...(opts.follow !== undefined ? { follow: opts.follow } : {}), ...(opts.version !== undefined ? { version: opts.version } : {}), ...(model !== undefined ? { model } : {}) });
        const chosen = chooseVersion(await readModelHistory(ctx.kafka, stage.output, model), model, follow, stage.output);
        const predictor = Predictor.fromLoaded(chosen);
        const version = chosen.manifest.version;
        if (opts.text) {
          const [p] = predictor.predict(prepareForPrediction([opts.text]));
          emit({ text: opts.text, ...p, model: chosen.manifest.model, version });
          return;
        }
        let n = 0;
        let labeled = 0;
        let correct = 0;
        let rejected = 0;
        let slice: Array<{ id: string; text: string; label: number | null }> = [];
        const flush = (): void => {
          const predictions = predictor.predict(prepareForPrediction(slice.map((r) => r.text)));
          slice.forEach((r, i) => {
            const p = predictions[i]!;
            n++;
            if (r.label === 0 || r.label === 1) {
              labeled++;
              if (p.label === r.label) correct++;
            }
            emit({ id: r.id, label: p.label, score: Number(p.score.toFixed(6)), ...(r.label !== null ? { expected: r.label } : {}) });
          });
          slice = [];
        };
        if (!INPUT_FORMATS.includes(opts.format as InputFormat)) {
          throw new ReviewflowError(ErrorCode.INVALID_INPUT, `unknown --format ${opts.format}`, { retriable: false, hint: `use one of ${INPUT_FORMATS.join(', ')}` });
        }
        for await (const item of readRecords({ input: opts.file!, format: opts.format as InputFormat })) {
          if (item.kind === 'rejected') {
            rejected++;
            process.stderr.write(`skipped line ${item.line}: ${item.reason}\n`);
            continue;
          }
          slice.push({ id: item.record.id, text: item.record.text, label: item.record.label });
          if (slice.length >= SLICE) flush();
        }
        flush();
        emit({ n, labeled, rejected, accuracy: labeled > 0 ? Number((correct / labeled).toFixed(4)) : null, model: chosen.manifest.model, version });
      }),
    );
}
