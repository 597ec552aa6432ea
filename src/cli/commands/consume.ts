import type { Command } from 'commander';
import { describeError } from '../../errors.js';
import { decodeAny } from '../../records/index.js';
import { action } from '../action.js';
import { isolationOption, resolveIsolation, type Isolation } from '../isolation.js';
import { emit } from '../output.js';
import { parseIntOption } from '../options.js';

/** Avro bytes fields print as base64 so the output stays one JSON object per line. */
function printable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64'), bytes: value.length };
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  return value;
}

export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description('print the decoded records of a topic as JSONL (from the beginning to the current end)')
    .requiredOption('--topic <name>', 'topic to read')
    .option('--limit <n>', 'print at most this many records', parseIntOption('--limit', 1))
    .addOption(isolationOption())
    .action(
      action(async (ctx, opts: { topic: string; limit?: number; isolation?: Isolation }) => {
        let undecodable = 0;
        const isolation = resolveIsolation(ctx.topology, opts.isolation);
        const readCommitted = isolation === 'read-committed';
        const count = await ctx.kafka.readToEnd({ topic: opts.topic, readCommitted, ...(opts.limit !== undefined ? { limit: opts.limit } : {}) }, (m, partition) => {
          const meta = { partition, offset: m.offset, key: m.key?.toString('utf8') ?? null };
          if (m.value === null) return emit({ ...meta, tombstone: true });
          try {
            const decoded = decodeAny(m.value);
            emit({ ...meta, schema: decoded.name, schemaVersion: decoded.version, value: printable(decoded.value) });
          } catch (err) {
            undecodable++;
            emit({ ...meta, error: describeError(err), raw: m.value.toString('base64') });
          }
        });
        emit({ consumed: count, undecodable, topic: opts.topic, isolation });
      }),
    );
}
