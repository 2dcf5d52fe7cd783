import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../shared/aws/clients';
import { laptopStack } from './adapters/laptop-stack';
import { SqsOpsQueue } from './adapters/sqs-ops-queue';
import { tableSessions } from './adapters/table-sessions';
import type { OpsQueue } from './ops-queue';
import type { OpsSessions } from './ops-service';

/** Where the ops commands act, and who acts (for the audit line). */
export interface OpsTarget {
  readonly description: string;
  readonly operator: string;
  readonly queue: OpsQueue;
  readonly sessions: OpsSessions;
}

export interface TargetFlags {
  readonly local?: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly stack?: string;
  readonly outputs?: string;
  readonly region?: string;
}

/** The stack outputs the ops commands need (`npx cdk deploy --outputs-file`, or the stack's Outputs). */
export interface StackOutputs {
  readonly QueueUrl: string;
  readonly DeadLetterQueueUrl: string;
  readonly TableName: string;
  readonly SessionTableName: string;
}

/** The stack named by env when no flag says where. */
export const STACK_ENV = 'GUIDANCE_RELAY_STACK';
export const DEFAULT_OUTPUTS_FILE = 'outputs.json';

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Resolves the target: `--local`, or a deployed stack found by `locateStack`. */
export async function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<OpsTarget> {
  const operator = `${userInfo().username}${env.AWS_PROFILE ? ` (AWS profile ${env.AWS_PROFILE})` : ''}`;
  if (flags.local) {
    const url = flags.url ?? `http://127.0.0.1:${env.PORT || 3000}`;
    return { description: `laptop stack ${url}`, operator: `${operator} (local admin token)`, ...laptopStack(url, flags.token ?? (env.LOCAL_ADMIN_TOKEN || 'local-admin-token')) };
  }
  const located = await locateStack(flags, env, cwd);
  const outputs = requireOutputs(located.outputs, located.description);
  const region = located.region;
  const config = region ? { region } : {};
  const sqs = new SQSClient(config);
  return {
    description: located.description,
    operator,
    queue: new SqsOpsQueue(sqs, new CloudWatchClient(config), outputs),
    sessions: tableSessions(documentClient(new DynamoDBClient(config)), outputs.TableName, outputs.SessionTableName, sqs, outputs.QueueUrl, Date.now),
  };
}

/** A deployed stack's outputs, where they were found, and the region to call it in. */
export interface LocatedStack {
  readonly outputs: Record<string, string>;
  readonly description: string;
  readonly region?: string;
}

/**
 * Finds a deployed stack, first match wins: `--outputs <file>`; `--stack <name>`; env
 * GUIDANCE_RELAY_STACK; an `outputs.json` in the working directory.
 */
export async function locateStack(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<LocatedStack> {
  const defaultFile = `${cwd}/${DEFAULT_OUTPUTS_FILE}`;
  const outputsFile = flags.outputs ?? (!flags.stack && !env[STACK_ENV] && existsSync(defaultFile) ? defaultFile : undefined);
  const stackName = flags.stack ?? (flags.outputs ? undefined : env[STACK_ENV]);
  if (!outputsFile && !stackName) {
    throw new TargetError(
      `Say which stack: --local (the laptop stack), --stack <name>, --outputs <file>, env ${STACK_ENV}=<name>, ` +
        `or run where \`npx cdk deploy --outputs-file ${DEFAULT_OUTPUTS_FILE}\` wrote ${DEFAULT_OUTPUTS_FILE}.`,
    );
  }
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (outputsFile) {
    const outputs = outputsFromFile(outputsFile, stackName);
    // The file has no region; the queue's URL does.
    const fileRegion = region ?? /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(outputs.QueueUrl ?? '')?.[1];
    return { outputs, description: `stack outputs in ${outputsFile}${fileRegion ? ` (${fileRegion})` : ''}`, ...(fileRegion ? { region: fileRegion } : {}) };
  }
  const outputs = await outputsFromStack(stackName!, region);
  return { outputs, description: `stack ${stackName}${region ? ` (${region})` : ''}`, ...(region ? { region } : {}) };
}

function outputsFromFile(path: string, stackName?: string): Record<string, string> {
  let parsed: Record<string, Record<string, string>>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
  } catch (error) {
    throw new TargetError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stacks = Object.entries(parsed).filter(([name, outputs]) => outputs?.QueueUrl && (!stackName || name === stackName));
  if (stacks.length === 0) throw new TargetError(`${path} holds no guidance-relay stack outputs${stackName ? ` for ${stackName}` : ''}.`);
  if (stacks.length > 1) throw new TargetError(`${path} holds several stacks (${stacks.map(([name]) => name).join(', ')}): pick one with --stack.`);
  return stacks[0]![1];
}

async function outputsFromStack(stackName: string, region: string | undefined): Promise<Record<string, string>> {
  const { Stacks } = await new CloudFormationClient(region ? { region } : {}).send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

function requireOutputs(outputs: Record<string, string>, where: string): StackOutputs {
  const missing = ['QueueUrl', 'DeadLetterQueueUrl', 'TableName', 'SessionTableName'].filter((key) => !outputs[key]);
  if (missing.length > 0) throw new TargetError(`${where} has no ${missing.join(', ')} output: is it a guidance-relay stack?`);
  return { QueueUrl: outputs.QueueUrl!, DeadLetterQueueUrl: outputs.DeadLetterQueueUrl!, TableName: outputs.TableName!, SessionTableName: outputs.SessionTableName! };
}
