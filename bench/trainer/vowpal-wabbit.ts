import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../src/util/paths.js';
import { median, type AnchorResult, type AnchorRun } from './anchor.js';
import type { SplitFiles } from './split.js';

/**
 * The Vowpal Wabbit anchor: bench/trainer/vw_anchor.py (PyPI `vowpalwabbit`, installed by
 * scripts/bench-setup.sh) on the bench's split files. The script times only its learn()
 * loop over example strings already in memory; the string parsing inside learn() is VW's
 * featurisation, as tokenising and hashing is inside our trainBatch.
 */
const CONTENDER = 'Vowpal Wabbit 1 pass (--ngram 2, logistic, -b 24)';
/** The .py is not compiled: read it from the source tree, also when running from dist/. */
const SCRIPT = join(packageRoot(), 'bench', 'trainer', 'vw_anchor.py');

const report = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    version: z.string(),
    args: z.string(),
    passSeconds: z.array(z.number().positive()).min(1),
    trainExamples: z.number().int(),
    testExamples: z.number().int(),
    accuracy: z.number(),
  }),
  z.object({ status: z.literal('missing'), reason: z.string() }),
]);

export function runVowpalWabbit(files: SplitFiles, run: AnchorRun): AnchorResult {
  const base = { dataset: run.dataset, contender: CONTENDER, tool: 'vowpalwabbit' as const, epochs: 1 };
  const args = [SCRIPT, '--train', files.train, '--test', files.test, '--timed-passes', String(run.timedPasses)];
  const child = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (child.error) return { ...base, status: 'missing', reason: `python3 not runnable (${child.error.message}); install Python 3, then: bash scripts/bench-setup.sh` };
  if (child.status !== 0) return { ...base, status: 'failed', reason: `vw_anchor.py exited ${child.status}: ${child.stderr.slice(-300)}` };
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = report.safeParse(JSON.parse(lastLine || 'null'));
  if (!parsed.success) return { ...base, status: 'failed', reason: `vw_anchor.py printed ${lastLine.slice(0, 200)}` };
  const r = parsed.data;
  if (r.status === 'missing') return { ...base, status: 'missing', reason: r.reason };
  if (r.trainExamples !== run.trainExamples || r.testExamples !== run.testExamples) {
    return { ...base, status: 'failed', reason: `vw_anchor.py read ${r.trainExamples}/${r.testExamples} records, the split has ${run.trainExamples}/${run.testExamples}` };
  }
  const trainSeconds = median(r.passSeconds);
  const passes = r.passSeconds.length > 1 ? `, median of ${r.passSeconds.length} passes (each a fresh workspace)` : '';
  return {
    ...base,
    status: 'ok',
    version: `vowpalwabbit ${r.version}`,
    trainSeconds,
    passSeconds: r.passSeconds,
    tokensPerSec: run.trainTokens / trainSeconds,
    examplesPerSec: run.trainExamples / trainSeconds,
    accuracy: r.accuracy,
    note: `1 pass, learn() loop only, through the Python bindings (one call per example), after an untimed warm-up pass${passes}; ${r.args}`,
  };
}
