import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIREN = /^\d{9}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * The webhook's per-call peer: what a careful engineer would write by hand for the same work, in
 * one function: HMAC-SHA256 of the raw body against each `v1=` entry (constant time), JSON.parse,
 * validation of the same fields (type, integer timestamp, UUID user, 9-digit SIREN, replay
 * window), the event key, `SendMessage` through the same SDK client, one JSON log line. No
 * framework, no ports, no schema library.
 */
export function createPeerWebhook(options: { sqs: SQSClient; queueUrl: string; secret: string; now: () => number; maxAgeSeconds: number }) {
  const { sqs, queueUrl, secret, now, maxAgeSeconds } = options;
  const answer = (statusCode: number, body: string) => ({ statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body });
  return async (event: APIGatewayProxyEventV2) => {
    const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const expected = createHmac('sha256', secret).update(raw).digest();
    const signed = (event.headers['bridgeapi-signature'] ?? '').split(',').some((entry) => {
      const [scheme, hex] = entry.trim().split('=');
      return scheme === 'v1' && hex !== undefined && HEX_SHA256.test(hex) && timingSafeEqual(Buffer.from(hex, 'hex'), expected);
    });
    if (!signed) return answer(401, '{"error":"invalid_signature","message":"Signature mismatch."}');
    let payload: { type?: unknown; timestamp?: unknown; content?: { user_id?: unknown; company_identification_number?: unknown } };
    try {
      payload = JSON.parse(raw.toString('utf8')) as typeof payload;
    } catch {
      return answer(400, '{"error":"invalid_json","message":"Body is not JSON."}');
    }
    if (payload?.type !== 'guidance.health.ready') return answer(200, '{"status":"ignored"}');
    const { timestamp, content } = payload;
    const user = content?.user_id;
    const company = content?.company_identification_number;
    if (!Number.isInteger(timestamp) || (timestamp as number) <= 0 || typeof user !== 'string' || !UUID.test(user) || typeof company !== 'string' || !SIREN.test(company)) {
      return answer(400, '{"error":"invalid_event","message":"Invalid event."}');
    }
    const at = now();
    const ts = timestamp as number;
    if (at - ts > maxAgeSeconds * 1000 || ts - at > 300_000) return answer(200, '{"status":"stale"}');
    const bridgeUserUuid = user.toLowerCase();
    const eventKey = createHash('sha256').update(`guidance.health.ready\n${bridgeUserUuid}\n${company}\n${ts}`).digest('hex');
    const correlationId = event.requestContext.requestId;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ eventKey, type: 'guidance.health.ready', timestamp: ts, bridgeUserUuid, companyIdentificationNumber: company, receivedAt: at }),
        MessageAttributes: { correlation_id: { DataType: 'String', StringValue: correlationId } },
      }),
    );
    process.stdout.write(`${JSON.stringify({ level: 'INFO', message: 'Guidance event queued', timestamp: new Date().toISOString(), service: 'bridge-webhook', eventKey, correlationId })}\n`);
    return answer(200, '{"status":"accepted"}');
  };
}
