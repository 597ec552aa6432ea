import type { Command } from 'commander';
import { ErrorCode, ReviewflowError } from '../../errors.js';
import type { AclBinding } from '../../kafka/index.js';
import { aclPlan, type AclPrincipals } from '../../topology/index.js';
import { action } from '../action.js';
import type { CliContext } from '../context.js';
import { emit, note } from '../output.js';

interface AclOptions {
  principal: string[];
  subscriber?: string;
  producer?: string;
}

const PRINCIPAL = /^User:[^\s;,]+$/;

function checkedPrincipal(value: string, flag: string): string {
  if (!PRINCIPAL.test(value)) {
    throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `${flag} ${value}: a principal is User:NAME`, { retriable: false, hint: 'for a SCRAM user alice: User:alice' });
  }
  return value;
}

/** `--principal clean=User:cleaner` (repeatable), `--subscriber`, `--producer`, checked against the topology. */
function principalsOf(ctx: CliContext, opts: AclOptions): AclPrincipals {
  const ids = new Set(ctx.topology.stages.map((s) => s.id));
  const stages: Record<string, string> = {};
  for (const entry of opts.principal) {
    const at = entry.indexOf('=');
    const stage = entry.slice(0, at);
    if (at <= 0 || !ids.has(stage)) {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `--principal ${entry}: expected STAGE=User:NAME with a stage of the topology`, { retriable: false, hint: `stages: ${[...ids].join(', ')}` });
    }
    stages[stage] = checkedPrincipal(entry.slice(at + 1), '--principal');
  }
  return {
    stages,
    ...(opts.subscriber ? { subscriber: checkedPrincipal(opts.subscriber, '--subscriber') } : {}),
    ...(opts.producer ? { producer: checkedPrincipal(opts.producer, '--producer') } : {}),
  };
}

function plan(ctx: CliContext, opts: AclOptions): AclBinding[] {
  return aclPlan(ctx.topology, principalsOf(ctx, opts), (stage) => ctx.kinds.of(stage).trains);
}

function withPrincipalOptions(command: Command): Command {
  return command
    .option('--principal <stage=User:name>', "a stage's principal (repeatable; default User:<the stage's group>)", (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--subscriber <User:name>', 'the read-only principal of model subscribers (default User:<topology>.subscriber)')
    .option('--producer <User:name>', 'the principal that produces to the ingest topic (default User:<topology>.producer)');
}

export function registerAcls(program: Command): void {
  const acls = program.command('acls').description('least-privilege ACLs for the topology on a cluster with an authorizer (docs/SECURITY.md)');
  withPrincipalOptions(acls.command('plan').description('print the ACLs the topology needs, one JSON line each, without touching the cluster')).action(
    action(async (ctx, opts: AclOptions) => {
      const bindings = plan(ctx, opts);
      for (const b of bindings) emit(b);
      emit({ acls: bindings.length, principals: [...new Set(bindings.map((b) => b.principal))] });
    }),
  );
  withPrincipalOptions(acls.command('apply').description('create those ACLs (idempotent; needs a principal allowed to alter ACLs)')).action(
    action(async (ctx, opts: AclOptions) => {
      const bindings = plan(ctx, opts);
      await ctx.kafka.withAdmin((admin) => admin.createAcls(bindings));
      const principals = [...new Set(bindings.map((b) => b.principal))];
      for (const p of principals) note(`${p}: ${bindings.filter((b) => b.principal === p).length} ACLs`);
      emit({ applied: bindings.length, principals });
    }),
  );
}
