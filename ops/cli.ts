import { parseArgs } from 'node:util';
import type { RevokeScope } from '../shared/domain/revoke-sessions';
import type { DeadLetterFilter } from './dead-letter-view';
import { formatDeadLetter, formatStatus } from './format';
import { OpsService } from './ops-service';
import { resolveTarget, type OpsTarget, type TargetFlags } from './target';
import { explain, terminalIo, type OpsIo } from './terminal';

export { explain, terminalIo, type OpsIo };

export const USAGE = `Usage: npm run ops -- <command> [options] [target]
Commands:
  help                                          this text
  status [--json]                               queue depth, in flight, oldest message age, dead letters, live sessions
  dead-letters [--reason R] [--limit N]         dead letters: reason, age, Bridge user, company, correlation id (leaves them in place)
  redrive [--reason R] [--limit N] [--dry-run]  move dead letters back to the main queue (a redriven duplicate stays harmless)
  discard (--reason R | --id ID) [--yes]        delete dead letters that can never succeed (asks first; audited)
  revoke --user <app_user_id> [--company <siren>] [--renew] [--dry-run]
  revoke --all [--renew] [--dry-run] [--yes]    incident response: delete stored passwords now (asks first)
Target (first match wins):
  --local [--url <url>] [--token <admin>]       the laptop stack (default http://127.0.0.1:$PORT or :3000, LOCAL_ADMIN_TOKEN)
  --outputs <file> [--stack <name>]             outputs written by \`npx cdk deploy --outputs-file <file>\`
  --stack <name> [--region <r>]                 a deployed stack, read with your AWS credentials
  env GUIDANCE_RELAY_STACK=<name>               the same, without the flag
  ./outputs.json                                an outputs file in the working directory
Reasons: see docs/runbook.md (unknown_user, bridge_rejected_request, retries_exhausted, …).`;

const FLAGS = {
  local: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  stack: { type: 'string' },
  outputs: { type: 'string' },
  region: { type: 'string' },
  limit: { type: 'string' },
  reason: { type: 'string' },
  id: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  user: { type: 'string' },
  company: { type: 'string' },
  all: { type: 'boolean' },
  renew: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type Flags = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** A usage mistake: exit code 2 with the sentence. */
class UsageError extends Error {}

/** Runs one ops command; returns the process exit code (0 done, 1 failed or refused, 2 bad usage). */
export async function runOps(argv: string[], io: OpsIo, targetFor: (flags: TargetFlags) => Promise<OpsTarget> = resolveTarget): Promise<number> {
  let values: Flags;
  let command: string | undefined;
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, options: FLAGS });
    values = parsed.values;
    command = parsed.positionals[0];
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (!command || command === 'help' || values.help) {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`Unknown command "${command}". Run \`npm run ops -- help\`.`);
    const limit = readLimit(values.limit);
    const target = await targetFor(values);
    const ops = new OpsService({
      queue: target.queue,
      sessions: target.sessions,
      now: Date.now,
      audit: (record) => io.err(`audit ${JSON.stringify({ at: new Date().toISOString(), by: target.operator, target: target.description, ...record })}`),
    });
    return await run({ ops, values, limit, io, target });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(explain(error));
    return 1;
  }
}

interface Invocation {
  readonly ops: OpsService;
  readonly values: Flags;
  readonly limit: number | undefined;
  readonly io: OpsIo;
  readonly target: OpsTarget;
}

const COMMANDS: Record<string, (invocation: Invocation) => Promise<number>> = {
  status: async ({ ops, values, io }) => {
    const status = await ops.status();
    io.out(values.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    return 0;
  },
  'dead-letters': async ({ ops, values, limit, io }) => {
    const filter = letterFilter(values) ?? 'all';
    const letters = await ops.deadLetters(filter, limit ?? 100);
    if (letters.length === 0) io.out(filter === 'all' ? 'No dead letters.' : `No dead letters match ${describe(filter)}.`);
    else io.out([`${letters.length} dead letter(s), oldest first:`, ...letters.map(formatDeadLetter)].join('\n'));
    return 0;
  },
  redrive: async ({ ops, values, limit, io }) => {
    if (values.id) throw new UsageError('redrive selects with --reason and --limit; to act on one message use discard --id.');
    const filter = letterFilter(values) ?? 'all';
    const report = await ops.redrive(filter, { ...(limit === undefined ? {} : { limit }), dryRun: values['dry-run'] ?? false });
    if (report.kind === 'move_task') {
      io.out(`Started SQS's message-move task for about ${report.approximateCount} dead letter(s) (task ${report.taskHandle}); \`npm run ops -- status\` shows progress.`);
    } else if (report.moved === 0) {
      io.out(filter === 'all' ? 'No dead letters to redrive.' : `No dead letters match ${describe(filter)}: nothing to redrive.`);
    } else {
      io.out(report.dryRun ? `Would move ${report.moved} dead letter(s) back to the main queue (dry run).` : `Moved ${report.moved} dead letter(s) back to the main queue.`);
    }
    return 0;
  },
  discard: async ({ ops, values, io, target }) => {
    const filter = letterFilter(values);
    if (!filter) throw new UsageError('discard needs --reason <reason> or --id <message id> (see `npm run ops -- dead-letters`).');
    const inScope = await ops.deadLetters(filter, Number.POSITIVE_INFINITY);
    if (inScope.length === 0) {
      io.out(`No dead letters match ${describe(filter)}: nothing to discard.`);
      return 0;
    }
    const question = `Discard ${inScope.length} dead letter(s) matching ${describe(filter)} from ${target.description}? They cannot be recovered.`;
    if (!(await confirmed(io, values, question))) return 1;
    const discarded = await ops.discard(filter);
    io.out(`Discarded ${discarded.length} dead letter(s).`);
    return 0;
  },
  revoke: async ({ ops, values, io, target }) => {
    const scope = revokeScope(values);
    const dryRun = values['dry-run'] ?? false;
    if (scope === 'all' && !dryRun) {
      const question = `Delete EVERY stored password in ${target.description}${values.renew ? ' and queue fresh sessions' : ''}?`;
      if (!(await confirmed(io, values, question))) return 1;
    }
    const report = await ops.revoke(scope, { renew: values.renew ?? false, dryRun });
    for (const session of report.revoked) io.out(`${report.dryRun ? 'would revoke' : 'revoked'} ${session.appUserId} ${session.companyIdentificationNumber} ${session.sessionId}`);
    io.out(`${report.revoked.length} session(s) ${report.dryRun ? 'in scope (dry run)' : 'revoked'}; ${report.renewalsQueued} renewal(s) queued`);
    if (!dryRun) io.err(`audit ${JSON.stringify({ at: new Date().toISOString(), by: target.operator, target: target.description, action: 'revoke', scope, revoked: report.revoked.length })}`);
    return 0;
  },
};

async function confirmed(io: OpsIo, values: Flags, question: string): Promise<boolean> {
  if (values.yes) return true;
  if (!io.confirm) {
    io.err(`${question}\nRefused: no terminal to ask on. Pass --yes to confirm.`);
    return false;
  }
  if (await io.confirm(question)) return true;
  io.err('Cancelled: nothing changed.');
  return false;
}

function letterFilter(values: Flags): Exclude<DeadLetterFilter, 'all'> | undefined {
  if (values.reason && values.id) throw new UsageError('Pass --reason or --id, not both.');
  if (values.reason) return { reason: values.reason };
  if (values.id) return { id: values.id };
  return undefined;
}

const describe = (filter: Exclude<DeadLetterFilter, 'all'>) => ('id' in filter ? `id ${filter.id}` : `reason ${filter.reason}`);

function readLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer.');
  return limit;
}

function revokeScope(values: Flags): RevokeScope {
  if (values.all && !values.user) return 'all';
  if (values.user && !values.all) return { appUserId: values.user, ...(values.company ? { company: values.company } : {}) };
  throw new UsageError('revoke needs --user <app_user_id> [--company <siren>] or --all.');
}

if (require.main === module) {
  runOps(process.argv.slice(2), terminalIo()).then((code) => process.exit(code));
}
