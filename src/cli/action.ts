import type { Command } from 'commander';
import type { BackendPreference } from '../trainer/index.js';
import { CliContext, DEFAULT_TOPOLOGY } from './context.js';
import { fail } from './output.js';

/** Wraps a command's action: builds the shared context and turns any error into a clean exit. */
export function action<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<{ topology?: string; backend?: BackendPreference }>();
    try {
      const ctx = new CliContext(globals.topology ?? DEFAULT_TOPOLOGY, { backend: globals.backend });
      await ctx.loadKinds();
      await fn(ctx, ...args);
    } catch (err) {
      fail(err);
    }
  };
}
