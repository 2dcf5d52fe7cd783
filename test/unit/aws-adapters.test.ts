import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { KmsPasswordCipher } from '../../shared/adapters/kms-password-cipher';
import { UndecryptableSecret } from '../../shared/ports/password-cipher';
import { SnsNotifier } from '../../shared/adapters/sns-notifier';
import { SqsDeadLetters } from '../../shared/adapters/sqs-dead-letters';
import { queueUrlOf, SqsMessageDeferrer, SqsMessageRequeuer } from '../../shared/adapters/sqs-message-deferrer';

const context = { app_user_id: 'alice', company_identification_number: '529196313', session_id: 'session-1' };

describe('KmsPasswordCipher', () => {
  const kms = mockClient(KMSClient);
  beforeEach(() => kms.reset());

  it('encrypts under the password key with the owner as encryption context', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array([1, 2, 3]) });

    const blob = await new KmsPasswordCipher(new KMSClient({ region: 'eu-west-1' }), 'arn:key').encrypt('s3cret', context);

    expect(blob).toEqual(new Uint8Array([1, 2, 3]));
    expect(kms).toHaveReceivedCommandWith(EncryptCommand, { KeyId: 'arn:key', EncryptionContext: context });
    expect(Buffer.from(kms.commandCalls(EncryptCommand)[0]!.args[0].input.Plaintext!).toString()).toBe('s3cret');
  });

  it('decrypts only with the same key and context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('s3cret') });

    const plain = await new KmsPasswordCipher(new KMSClient({ region: 'eu-west-1' }), 'arn:key').decrypt(new Uint8Array([9]), context);

    expect(plain).toBe('s3cret');
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: 'arn:key', EncryptionContext: context });
  });

  it('tells a ciphertext no retry can decrypt from a KMS failure that may pass, and reports both', async () => {
    const errors: string[] = [];
    const cipher = new KmsPasswordCipher(new KMSClient({ region: 'eu-west-1' }), 'arn:key', (operation) => void errors.push(operation));
    const kmsError = (name: string) => Object.assign(new Error(name), { name });

    kms.on(DecryptCommand).rejectsOnce(kmsError('InvalidCiphertextException')).rejectsOnce(kmsError('IncorrectKeyException')).rejectsOnce(kmsError('ThrottlingException'));

    await expect(cipher.decrypt(new Uint8Array([9]), context)).rejects.toBeInstanceOf(UndecryptableSecret);
    await expect(cipher.decrypt(new Uint8Array([9]), context)).rejects.toBeInstanceOf(UndecryptableSecret);
    await expect(cipher.decrypt(new Uint8Array([9]), context)).rejects.toThrow('ThrottlingException');
    expect(errors).toEqual(['Decrypt', 'Decrypt', 'Decrypt']);
  });
});

describe('SnsNotifier', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes the contract message with a type attribute and the correlation id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notification = {
      type: 'guidance.ready' as const,
      app_user_id: 'alice',
      company_identification_number: '529196313',
      session_expires_at: '2026-11-25T10:30:00.000Z',
    };

    await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), 'arn:topic').publish(notification, { correlationId: 'corr-1', eventKey: 'k'.repeat(64) });

    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(JSON.parse(input.Message!)).toEqual(notification);
    expect(input.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'guidance.ready' },
      correlation_id: { DataType: 'String', StringValue: 'corr-1' },
      event_key: { DataType: 'String', StringValue: 'k'.repeat(64) },
    });
  });
});

describe('SqsMessageDeferrer', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('changes the visibility of the received message, on the queue its ARN names', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const record = { eventSourceARN: 'arn:aws:sqs:eu-west-3:123456789012:GuidanceRelay-dev-events', receiptHandle: 'handle-1' };

    await new SqsMessageDeferrer(new SQSClient({ region: 'eu-west-3' })).defer(record as never, 120);

    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: 'https://sqs.eu-west-3.amazonaws.com/123456789012/GuidanceRelay-dev-events',
      ReceiptHandle: 'handle-1',
      VisibilityTimeout: 120,
    });
  });

  it('knows the queue URLs of the China partition and refuses what is no queue ARN', () => {
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:123456789012:q')).toBe('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q');
    expect(() => queueUrlOf('arn:aws:sqs:eu-west-1')).toThrow('Not an SQS queue ARN');
  });
});

describe('SqsMessageRequeuer', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends a delayed copy of the body to the queue its ARN names, with the correlation id and the wait count', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const record = {
      eventSourceARN: 'arn:aws:sqs:eu-west-3:123456789012:GuidanceRelay-dev-events',
      body: '{"eventKey":"k"}',
      messageAttributes: { correlation_id: { dataType: 'String', stringValue: 'corr-7' } },
    };

    await new SqsMessageRequeuer(new SQSClient({ region: 'eu-west-3' })).requeue(record as never, 45, { waits: 3 });

    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-3.amazonaws.com/123456789012/GuidanceRelay-dev-events',
      MessageBody: '{"eventKey":"k"}',
      DelaySeconds: 45,
      MessageAttributes: {
        correlation_id: { DataType: 'String', StringValue: 'corr-7' },
        capacity_waits: { DataType: 'Number', StringValue: '3' },
      },
    });
  });
});

describe('SqsDeadLetters', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends the original body with its failure reason', async () => {
    sqs.on(SendMessageCommand).resolves({});

    await new SqsDeadLetters(new SQSClient({ region: 'eu-west-1' }), 'https://dlq').deadLetter('{"a":1}', 'unknown_user', 'corr');

    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: 'https://dlq',
      MessageBody: '{"a":1}',
      MessageAttributes: {
        failure_reason: { DataType: 'String', StringValue: 'unknown_user' },
        correlation_id: { DataType: 'String', StringValue: 'corr' },
      },
    });
  });
});
