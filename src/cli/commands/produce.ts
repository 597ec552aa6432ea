import type { Command } from 'commander';
import { ErrorCode, ReviewflowError } from '../../errors.js';
import { RegistryClient } from '../../confluent/index.js';
import { IngestProducer, INPUT_FORMATS, readRecords, registryValueEncoder, valueSubject, type InputFormat } from '../../ingest/index.js';
import { action } from '../action.js';
import { emit, note } from '../output.js';
import { parseIntOption } from '../options.js';

export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('validate records from a file (or - for stdin) and produce them to the ingest topic')
    .requiredOption('--file <path>', 'JSONL or CSV file, an aclImdb folder, or - for stdin')
    .option('--format <format>', `one of ${INPUT_FORMATS.join(', ')}`, 'jsonl')
    .option('--limit <n>', 'stop after this many input records', parseIntOption('--limit', 1))
    .option('--max-text-bytes <n>', 'longest accepted text in bytes', parseIntOption('--max-text-bytes', 1))
    .option('--strict', 'exit non-zero when any record was rejected', false)
    .option('--registry <url>', 'write Avro in Confluent wire format, the schema registered under <ingest topic>-value at this Confluent-compatible schema registry')
    .action(
      action(async (ctx, opts: { file: string; format: string; limit?: number; maxTextBytes?: number; strict: boolean; registry?: string }) => {
        if (!INPUT_FORMATS.includes(opts.format as InputFormat)) {
          throw new ReviewflowError(ErrorCode.INVALID_INPUT, `unknown --format ${opts.format}`, { retriable: false, hint: `use one of ${INPUT_FORMATS.join(', ')}` });
        }
        const started = Date.now();
        const topic = ctx.topology.ingest;
        const registry = opts.registry ? await registryValueEncoder({ client: new RegistryClient({ url: opts.registry }), subject: valueSubject(topic) }) : undefined;
        const producer = new IngestProducer({ kafka: ctx.kafka, topic, ...(registry ? { encodeValue: registry.encode } : {}) });
        await producer.connect();
        const lines = readRecords({
          input: opts.file === '-' ? process.stdin : opts.file,
          format: opts.format as InputFormat,
          ...(opts.maxTextBytes ? { limits: { maxTextBytes: opts.maxTextBytes } } : {}),
          ...(opts.file === '-' ? { source: 'stdin' } : {}),
        });
        let summary;
        try {
          summary = await producer.produceLines(lines, {
            ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
            onRejected: (line, reason) => note(`rejected line ${line}: ${reason}`),
          });
        } finally {
          await producer.close();
        }
        const seconds = (Date.now() - started) / 1000;
        emit({ ...summary, topic, ...(registry ? { schemaId: registry.schemaId, subject: valueSubject(topic) } : {}), seconds: Number(seconds.toFixed(2)), recordsPerSec: Math.round(summary.produced / Math.max(seconds, 1e-3)) });
        if (opts.strict && summary.rejected > 0) process.exitCode = 2;
      }),
    );
}
