import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { AWS_CLIENT_CONFIG } from '../../shared/aws/client-config';

// An endpoint that accepts the connection and never answers, as a hung network path would.
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the AWS client settings of every function', () => {
  it('give up on a hung request after about two seconds, so the SDK can retry it within the function timeout', async () => {
    const client = new SQSClient({
      ...AWS_CLIENT_CONFIG,
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const started = Date.now();

    await expect(client.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: '{}' }))).rejects.toThrow();
    const elapsedMs = Date.now() - started;
    client.destroy();

    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(elapsedMs).toBeLessThan(4_000);
  });
});
