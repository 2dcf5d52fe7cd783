import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { acceptWebhook, type AcceptWebhookDeps } from '../../shared/domain/accept-webhook';
import { WEBHOOK_MAX_BODY_BYTES } from '../../shared/domain/limits';
import { httpErrors } from '../../shared/http/error-middleware';
import { errorCodeOf, HttpError } from '../../shared/http/errors';
import { header, rawBody } from '../../shared/http/request';
import { json, type HttpResponse } from '../../shared/http/responses';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';
import { webhookErrors } from './http-errors';

export interface WebhookHandlerDeps extends AcceptWebhookDeps {
  readonly logger: Logger;
  /** Bridge's egress IPs; empty disables the check (the laptop stack). */
  readonly allowedSourceIps: readonly string[];
  /** Default: none (tests); composition roots pass the Powertools sink. */
  readonly metrics?: MetricsSink;
}

/** `POST /webhooks/bridge`: HTTP in, the accept-webhook use case, HTTP out. */
export function createWebhookHandler(deps: WebhookHandlerDeps) {
  const allowed = new Set(deps.allowedSourceIps);
  const metrics = deps.metrics ?? noMetrics;
  // No early-timeout timer: it costs a setTimeout per call, and Lambda's own timeout applies.
  return middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(deps.logger, webhookErrors))
    .use({
      onError: async (request) => {
        metrics.count('WebhookRequests', { outcome: errorCodeOf(request.error, webhookErrors) });
      },
    })
    .handler(async (event) => {
      // API Gateway's own view of the peer; X-Forwarded-For is caller-controlled and never read.
      if (allowed.size > 0 && !allowed.has(event.requestContext.http.sourceIp)) {
        throw new HttpError('forbidden', 'Source address is not allowed.');
      }
      // Refused before any work, the signature check included.
      const body = rawBody(event);
      if (body.length > WEBHOOK_MAX_BODY_BYTES) throw new HttpError('payload_too_large', `Body exceeds ${WEBHOOK_MAX_BODY_BYTES} bytes.`);
      const outcome = await acceptWebhook(
        {
          body,
          signatureHeader: header(event, 'bridgeapi-signature'),
          correlationId: event.requestContext.requestId,
        },
        deps,
      );
      if (outcome.status === 'accepted') {
        deps.logger.info('Guidance event queued', { eventKey: outcome.event.eventKey, correlationId: event.requestContext.requestId });
      }
      metrics.count('WebhookRequests', { outcome: outcome.status });
      return json(200, { status: outcome.status });
    });
}
