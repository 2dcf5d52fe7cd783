import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { locateStack, resolveTarget, TargetError } from '../../ops/target';

const cloudformation = mockClient(CloudFormationClient);
const OUTPUTS = { QueueUrl: 'https://sqs.eu-west-3.amazonaws.com/123456789012/q', DeadLetterQueueUrl: 'https://sqs.eu-west-3.amazonaws.com/123456789012/d', TableName: 't', ApiUrl: 'https://a.execute-api.eu-west-3.amazonaws.com/' };

function directoryWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ops-target-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), JSON.stringify(content));
  return dir;
}

beforeEach(() => {
  cloudformation.reset();
  cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'GuidanceRelay-prod', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] });
});

describe('where npm run ops and npm run users act when no flag says so', () => {
  it('uses an outputs.json in the working directory, with the region of its queue URL', async () => {
    const cwd = directoryWith({ 'outputs.json': { 'GuidanceRelay-prod': OUTPUTS } });

    const located = await locateStack({}, {}, cwd);

    expect(located).toEqual({ outputs: OUTPUTS, region: 'eu-west-3', description: `stack outputs in ${cwd}/outputs.json (eu-west-3)` });
    expect(cloudformation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it('prefers env GUIDANCE_RELAY_STACK over an outputs.json, and reads that stack from CloudFormation', async () => {
    const cwd = directoryWith({ 'outputs.json': { Other: OUTPUTS } });

    const located = await locateStack({}, { GUIDANCE_RELAY_STACK: 'GuidanceRelay-prod', AWS_REGION: 'eu-west-3' }, cwd);

    expect(located.description).toBe('stack GuidanceRelay-prod (eu-west-3)');
    expect(cloudformation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'GuidanceRelay-prod' });
  });

  it('asks for --stack when an outputs file holds several stacks', async () => {
    const cwd = directoryWith({ 'outputs.json': { 'GuidanceRelay-dev': OUTPUTS, 'GuidanceRelay-prod': OUTPUTS } });

    await expect(locateStack({}, {}, cwd)).rejects.toThrow('holds several stacks (GuidanceRelay-dev, GuidanceRelay-prod): pick one with --stack.');
    expect((await locateStack({ outputs: `${cwd}/outputs.json`, stack: 'GuidanceRelay-dev' }, {}, cwd)).outputs).toEqual(OUTPUTS);
  });

  it('names every way to say where when there is none', async () => {
    const error = await resolveTarget({}, {}, directoryWith({})).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toMatch(/^Say which stack: --local .*--stack <name>, --outputs <file>, env GUIDANCE_RELAY_STACK=<name>, or run where .*outputs\.json/);
  });

  it('refuses a stack whose outputs are not a guidance-relay stack', async () => {
    const cwd = directoryWith({ 'outputs.json': { Mine: { QueueUrl: OUTPUTS.QueueUrl } } });

    await expect(resolveTarget({}, {}, cwd)).rejects.toThrow('has no DeadLetterQueueUrl, TableName, SessionTableName output: is it a guidance-relay stack?');
  });
});
