import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { SnsNotifier } from '../../shared/adapters/sns-notifier';
import { guidanceReady } from '../../shared/domain/notify-once';

const DOC_ID = 'https://guidance-relay.invalid/openapi.json';
const doc = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as Record<string, unknown> & {
  components: { schemas: Record<string, { required?: string[] }> };
};
// OpenAPI's own keywords are annotations here; the schemas themselves are JSON Schema 2020-12.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(doc, DOC_ID);
const validate = (schema: string, value: unknown) => {
  const check = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${schema}` });
  return check(value) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
};

describe('the guidance.ready notification, as openapi.yaml describes it under webhooks', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('is what the worker publishes: the body, and exactly the documented message attributes', async () => {
    const notification = guidanceReady('demo-user', '529196313', Date.parse('2026-11-25T10:00:00.000Z'));
    const eventKey = 'ebd2c0983638b86711f5d1a55dce3d53beb5c0af7d476cc9aa7635d3c8089c5a';

    await new SnsNotifier(new SNSClient({}), 'arn:aws:sns:eu-west-1:123456789012:topic').publish(notification, { correlationId: 'c-1', eventKey });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    // As SNS hands them to an HTTPS subscriber: `{Type, Value}` per attribute.
    const attributes = Object.fromEntries(
      Object.entries(input.MessageAttributes ?? {}).map(([name, attribute]) => [name, { Type: attribute.DataType, Value: attribute.StringValue }]),
    );

    expect(validate('GuidanceReadyNotification', JSON.parse(input.Message!))).toEqual([]);
    expect(validate('GuidanceReadyAttributes', attributes)).toEqual([]);
    expect(Object.keys(attributes).sort()).toEqual([...doc.components.schemas.GuidanceReadyAttributes!.required!].sort());
  });

  it('would catch a password or URL slipped into the notification', () => {
    const leaky = { ...guidanceReady('demo-user', '529196313', Date.now()), password: 'x', url: 'https://guidance.bridgeapi.io/x' };

    expect(validate('GuidanceReadyNotification', leaky)).not.toEqual([]);
  });
});
