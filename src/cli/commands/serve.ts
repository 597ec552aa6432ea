import type { Command } from 'commander';
import { childLogger } from '../../log.js';
import { action } from '../action.js';
import { emit, note } from '../output.js';
import { parseIntOption } from '../options.js';
import { trainerStages } from '../model-topics.js';
import { untilSignal } from './run.js';

interface ServeOptions {
  port: number;
  host: string;
  model?: string;
  version?: number;
  follow?: string;
  maxTexts: number;
  maxTextChars: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('HTTP prediction service that follows the model topic and hot-swaps each verified version (POST /v1/predict)')
    .option('--port <n>', 'port to listen on (0: any free port)', parseIntOption('--port', 0, 65_535), 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--model <name>', "model name (default: the first trainer's model)")
    .option('--version <v>', 'serve this version only instead of following the newest', parseIntOption('--version', 1))
    .option('--follow <latest|label|version>', 'follow the newest version (latest, the default), a label such as stable (swapping whenever it moves, rollbacks included), or one version')
    .option('--max-texts <n>', 'texts per request', parseIntOption('--max-texts', 1, 100_000), 256)
    .option('--max-text-chars <n>', 'characters per text', parseIntOption('--max-text-chars', 1, 10_000_000), 20_000)
    .action(
      action(async (ctx, opts: ServeOptions) => {
        const { createServer } = await import('../../serve/prediction-server.js');
        const stage = trainerStages(ctx.topology, ctx.kinds)[0]!;
        const model = opts.model ?? (typeof stage.options.model === 'string' ? stage.options.model : undefined);
        const signal = untilSignal();
        const service = await createServer({
          kafka: ctx.kafka,
          topic: stage.output,
          ...(model ? { model } : {}),
          ...(opts.version !== undefined ? { version: opts.version } : {}),
          ...(opts.follow !== undefined ? { follow: opts.follow } : {}),
          limits: { maxTexts: opts.maxTexts, maxTextChars: opts.maxTextChars },
          logger: childLogger({ component: 'serve' }),
        });
        const address = await service.listen(opts.port, opts.host);
        note(`serving ${model ?? 'every model'} (${opts.follow ?? (opts.version !== undefined ? `version ${opts.version}` : 'latest')}) from ${stage.output} on http://${address.address}:${address.port} (POST /v1/predict; Ctrl-C finishes requests in flight and exits)`);
        const received = await signal;
        await service.close();
        emit({ stopped: true, signal: received });
      }),
    );
}
