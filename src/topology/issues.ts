import { ErrorCode, ReviewflowError } from '../errors.js';

/** One thing wrong with a topology: where (file and path inside it), what, and the fix. */
export interface TopologyIssue {
  path: string;
  message: string;
  fix: string;
}

export function formatIssues(file: string, issues: TopologyIssue[]): string {
  const lines = issues.map((i) => `${file}: ${i.path || '(top level)'}: ${i.message}\n  fix: ${i.fix}`);
  return `invalid topology (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

export function topologyError(file: string, issues: TopologyIssue[]): ReviewflowError {
  return new ReviewflowError(ErrorCode.INVALID_TOPOLOGY, formatIssues(file, issues), {
    retriable: false,
    details: { file, issues },
    hint: 'see topologies/sentiment.yaml for a complete, valid example',
  });
}

/** Turns a zod path like ['stages', 1, 'options', 'ratio'] into `stages[1].options.ratio`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}
