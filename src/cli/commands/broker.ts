import type { Command } from 'commander';
import { BrokerManager } from '../../broker/manager.js';
import { parseUserOption } from '../../broker/security.js';
import { emit, note } from '../output.js';
import { parseIntOption } from '../options.js';
import { action } from '../action.js';

export function registerBroker(program: Command): void {
  const broker = program.command('broker').description('the embedded local Kafka (KRaft, from Maven Central)');
  broker
    .command('start')
    .description('start the embedded broker (idempotent); prints its bootstrap address')
    .option('--brokers <n>', 'nodes in the KRaft cluster', parseIntOption('--brokers', 1, 9), 1)
    .option('--sasl-ssl', 'also listen for SCRAM-SHA-512 over TLS on a port of its own (see docs/SECURITY.md)', false)
    // kept raw here: commander would echo a rejected value, and this one holds a password
    .option('--user <name:password>', 'a SCRAM-SHA-512 user for --sasl-ssl (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--super-user <name>', 'a --user the authorizer lets do anything, e.g. to run `acls apply` (repeatable); every other user needs ACLs', (value: string, all: string[]) => [...all, value], [] as string[])
    .action(
      action(async (_ctx, opts: { brokers: number; saslSsl: boolean; user: string[]; superUser: string[] }) => {
        const manager = new BrokerManager({ log: note });
        const users = opts.user.map(parseUserOption);
        const state = await manager.start({ brokers: opts.brokers, ...(opts.saslSsl || users.length > 0 ? { security: { saslSsl: true, users, superUsers: opts.superUser } } : {}) });
        const restarted = state.restartedNodes ?? [];
        if (state.alreadyRunning) note(`embedded Kafka ${state.version} already running at ${state.bootstrap}`);
        else if (restarted.length > 0) note(`embedded Kafka ${state.version}: node(s) ${restarted.join(', ')} started again; the cluster runs at ${state.bootstrap}`);
        else note(`embedded Kafka ${state.version} started at ${state.bootstrap}`);
        if (state.saslSsl) note(`SASL_SSL (SCRAM-SHA-512) at ${state.saslSsl.bootstrap}; trust ${state.saslSsl.caPemPath}`);
        emit({
          running: true,
          alreadyRunning: state.alreadyRunning,
          ...(restarted.length > 0 ? { restartedNodes: restarted } : {}),
          bootstrap: state.bootstrap,
          brokers: state.nodes.length,
          version: state.version,
          stateDir: manager.stateDir,
          saslSsl: state.saslSsl
            ? { mechanism: state.saslSsl.mechanism, bootstrap: state.saslSsl.bootstrap, caPemPath: state.saslSsl.caPemPath, users: users.map((u) => ({ username: u.username, password: '[redacted]' })) }
            : null,
        });
      }),
    );
  broker
    .command('stop')
    .description('stop the embedded broker (data is kept unless --purge)')
    .option('--purge', 'also delete its data and state folder', false)
    .action(
      action(async (_ctx, opts: { purge: boolean }) => {
        const result = await new BrokerManager().stop({ purge: opts.purge });
        emit({ running: false, stopped: result.stopped, purged: opts.purge });
      }),
    );
  broker
    .command('status')
    .description('whether the embedded broker runs, and where')
    .action(
      action(async () => {
        emit(new BrokerManager().status());
      }),
    );
}
