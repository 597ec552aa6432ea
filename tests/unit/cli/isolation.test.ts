import { describe, expect, it } from 'vitest';
import { resolveIsolation } from '../../../src/cli/isolation.js';

describe('resolveIsolation', () => {
  it('resolveIsolation reads committed by default only when the topology is exactly-once', () => {
    expect(resolveIsolation({ delivery: 'exactly-once' })).toBe('read-committed');
    expect(resolveIsolation({ delivery: 'at-least-once' })).toBe('read-uncommitted');
  });

  it('resolveIsolation keeps an isolation the user chose', () => {
    expect(resolveIsolation({ delivery: 'exactly-once' }, 'read-uncommitted')).toBe('read-uncommitted');
    expect(resolveIsolation({ delivery: 'at-least-once' }, 'read-committed')).toBe('read-committed');
  });
});
