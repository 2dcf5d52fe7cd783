import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../../shared/aws/clients';
import type { RevokeScope } from '../../shared/domain/revoke-sessions';
import { awsOps, type StackOutputs } from './aws-backend';
import type { OpsBackend } from './backend';
import { localHttpOps } from './local-backend';

export const USAGE = `Usage: npm run ops -- <command> [options]
Commands:
  status                                   queue depth, oldest message age, dead letters, live sessions
  dead-letters [--limit N]                 list dead letters with their reasons (no secrets: messages hold ids only)
  redrive [--limit N] [--dry-run]          move dead letters back to the main queue (duplicates stay harmless)
  revoke --user <app_user_id> [--company <siren>] [--renew] [--dry-run]
  revoke --all [--renew] [--dry-run]       incident response: delete stored passwords now; --renew queues fresh sessions
Target:
  --local [--url <url>] [--token <admin>]  the laptop stack (default http://127.0.0.1:$PORT or :3000, LOCAL_ADMIN_TOKEN)
  --stack <name> [--region <r>]            a deployed stack (AWS credentials from the usual chain)
  --outputs <file>                         a deployed stack's outputs file (npx cdk deploy --outputs-file <file>)`;

export interface OpsIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one ops command; returns the process exit code. */
export async function runOps(argv: string[], io: OpsIo, backendFor: (values: OpsFlags) => Promise<OpsBackend> = defaultBackend): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: FLAGS });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const limit = Number(values.limit ?? '100');
  if (!Number.isInteger(limit) || limit < 1) {
    io.err('--limit must be a positive integer.');
    return 2;
  }
  try {
    const backend = await backendFor(values);
    switch (command) {
      case 'status':
        io.out(JSON.stringify(await backend.status(), null, 2));
        return 0;
      case 'dead-letters':
        for (const letter of await backend.deadLetters(limit)) {
          io.out(`${letter.messageId}  reason=${letter.reason}  type=${letter.type ?? '?'}  eventKey=${letter.eventKey ?? '?'}  correlationId=${letter.correlationId}`);
        }
        return 0;
      case 'redrive': {
        const { moved, dryRun } = await backend.redrive(limit, values['dry-run'] ?? false);
        io.out(dryRun ? `would move ${moved} dead letter(s) back to the main queue (dry run)` : `moved ${moved} dead letter(s) back to the main queue`);
        return 0;
      }
      case 'revoke': {
        const scope = revokeScope(values);
        if (!scope) {
          io.err('revoke needs --user <app_user_id> [--company <siren>] or --all.');
          return 2;
        }
        const report = await backend.revoke(scope, { renew: values.renew ?? false, dryRun: values['dry-run'] ?? false });
        for (const session of report.revoked) io.out(`${report.dryRun ? 'would revoke' : 'revoked'} ${session.appUserId} ${session.companyIdentificationNumber} ${session.sessionId}`);
        io.out(`${report.revoked.length} session(s) ${report.dryRun ? 'in scope (dry run)' : 'revoked'}; ${report.renewalsQueued} renewal(s) queued`);
        return 0;
      }
      default:
        io.err(`Unknown command "${command}".\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    io.err(explain(error));
    return 1;
  }
}

const FLAGS = {
  local: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  stack: { type: 'string' },
  outputs: { type: 'string' },
  region: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  user: { type: 'string' },
  company: { type: 'string' },
  all: { type: 'boolean' },
  renew: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export type OpsFlags = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

function revokeScope(values: OpsFlags): RevokeScope | undefined {
  if (values.all && !values.user) return 'all';
  if (values.user && !values.all) return { appUserId: values.user, ...(values.company ? { company: values.company } : {}) };
  return undefined;
}

async function defaultBackend(values: OpsFlags): Promise<OpsBackend> {
  if (values.local) {
    return localHttpOps(values.url ?? `http://127.0.0.1:${process.env.PORT || 3000}`, values.token ?? (process.env.LOCAL_ADMIN_TOKEN || 'local-admin-token'));
  }
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const config = region ? { region } : {};
  const outputs = values.outputs ? outputsFromFile(values.outputs) : values.stack ? await outputsFromStack(values.stack, config) : undefined;
  if (!outputs) throw new Error('Say where: --local, --stack <name> or --outputs <file>.');
  return awsOps(outputs, {
    sqs: new SQSClient(config),
    cloudwatch: new CloudWatchClient(config),
    db: documentClient(new DynamoDBClient(config)),
  });
}

function outputsFromFile(path: string): StackOutputs {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
  const stack = Object.values(parsed).find((outputs) => outputs.QueueUrl);
  if (!stack) throw new Error(`${path} holds no stack outputs with QueueUrl.`);
  return requireOutputs(stack, path);
}

async function outputsFromStack(stackName: string, config: { region?: string }): Promise<StackOutputs> {
  const { Stacks } = await new CloudFormationClient(config).send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  return requireOutputs(outputs, `stack ${stackName}`);
}

function requireOutputs(outputs: Record<string, string>, where: string): StackOutputs {
  const missing = ['QueueUrl', 'DeadLetterQueueUrl', 'TableName', 'SessionTableName'].filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`${where} has no ${missing.join(', ')} output: is it a guidance-relay stack?`);
  return { QueueUrl: outputs.QueueUrl!, DeadLetterQueueUrl: outputs.DeadLetterQueueUrl!, TableName: outputs.TableName!, SessionTableName: outputs.SessionTableName! };
}

/** A clear sentence for the errors an operator meets; never a stack trace. */
export function explain(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'No AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION, or use --local.';
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) return `${message} Check --stack and --region.`;
  if (/Region is missing/i.test(message)) return 'No AWS region: set AWS_REGION or pass --region.';
  return message;
}

if (require.main === module) {
  runOps(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => process.exit(code));
}
