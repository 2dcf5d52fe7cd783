import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsMetricsSink } from '../../shared/adapters/powertools-metrics';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { captureLogs } from '../fixtures/log-capture';
import { localClient, waitFor } from '../fixtures/local-client';

const DEMO = 'ecc4eaee-0554-4b4f-8937-3c5b816617f6';
const UNKNOWN = '77777777-7777-4777-8777-777777777777';

let stack: LocalStack;
const metrics = new RecordingMetrics();

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' }, metrics, queue: { visibilityTimeoutMs: 200 } });
});
afterAll(() => stack.stop());

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('observability', () => {
  it('carries one correlation id from the webhook request through the worker to the notification', async () => {
    const client = localClient(stack);
    const { output } = await captureLogs(async () => {
      await client.sendWebhook(DEMO, '111222333');
      await waitFor(() => stack.outbox.entries.length > 0);
      await stack.queue.drained();
    });

    const queued = jsonLines(output).find((line) => line.message === 'Guidance event queued')!;
    const processed = jsonLines(output).find((line) => line.message === 'Guidance event processed')!;
    expect(typeof queued.correlationId).toBe('string');
    expect(processed.correlationId).toBe(queued.correlationId);
    expect(processed.eventKey).toBe(queued.eventKey);
    expect(stack.outbox.entries[0]!.correlationId).toBe(queued.correlationId);
  });

  it('counts webhook outcomes, worker outcomes, dead letters, Bridge calls and reveals', async () => {
    const client = localClient(stack);
    await client.sendWebhook(DEMO, '444555666');
    await client.sendWebhook(UNKNOWN, '444555666');
    await client.call('POST', '/webhooks/bridge', { body: '{}', headers: { 'BridgeApi-Signature': 'v1=00' } });
    await waitFor(() => stack.outbox.entries.length >= 2 && stack.queue.deadLetters.length >= 1);
    const token = await client.token('demo-user');
    await client.call('POST', '/guidance/444555666/reveal', { token });
    await client.call('POST', '/guidance/000000001/reveal', { token });

    expect(metrics.total('WebhookRequests', { outcome: 'accepted' })).toBeGreaterThanOrEqual(2);
    expect(metrics.total('WebhookRequests', { outcome: 'invalid_signature' })).toBe(1);
    expect(metrics.total('GuidanceEvents', { outcome: 'notified' })).toBeGreaterThanOrEqual(1);
    expect(metrics.total('DeadLetters', { reason: 'unknown_user' })).toBe(1);
    expect(metrics.total('BridgeCalls', { status: '2xx' })).toBe(metrics.total('SessionsCreated'));
    expect(metrics.total('RevealApiRequests', { action: 'reveal', outcome: 'success' })).toBe(1);
    expect(metrics.total('RevealApiRequests', { action: 'reveal', outcome: 'not_found' })).toBe(1);
    const dimensionValues = metrics.points.flatMap((point) => Object.values(point.dimensions));
    expect(dimensionValues.filter((value) => /demo-user|[0-9a-f]{8}-[0-9a-f]{4}/.test(value))).toEqual([]);
  });

  it('emits CloudWatch EMF with the namespace, the service and the outcome dimension', async () => {
    const sink = new PowertoolsMetricsSink(new Metrics({ namespace: 'GuidanceRelay', serviceName: 'bridge-webhook' }));

    const { output } = await captureLogs(async () => {
      sink.count('WebhookRequests', { outcome: 'accepted' });
      sink.milliseconds('BridgeLatency', 12);
    });

    const [emf, latency] = jsonLines(output).filter((line) => '_aws' in line);
    expect(latency).toEqual(expect.objectContaining({ service: 'bridge-webhook', BridgeLatency: 12 }));
    expect(latency).not.toHaveProperty('outcome'); // a data point's dimensions never leak into the next
    expect(latency).not.toHaveProperty('WebhookRequests');
    if (!emf) throw new Error('no EMF line');
    expect(emf).toEqual(expect.objectContaining({ service: 'bridge-webhook', outcome: 'accepted', WebhookRequests: 1 }));
    const directive = (emf._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('GuidanceRelay');
    expect(directive.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'outcome']));
  });
});
