import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../../src/broker/manager.js';

describe('embedded broker cluster id', () => {
  it('newClusterId never starts with "-" (the storage tool would read it as a flag) and is 22 URL-safe characters', () => {
    // about 1 in 64 random ids would start with "-"
    for (let i = 0; i < 5_000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
