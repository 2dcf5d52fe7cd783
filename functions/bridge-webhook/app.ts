import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { acceptWebhook, type AcceptWebhookDeps } from '../../shared/domain/accept-webhook';
import { AppError } from '../../shared/domain/errors';
import { header, httpErrors, rawBody } from '../../shared/http/error-middleware';
import { json, type HttpResponse } from '../../shared/http/responses';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';

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
    .use(httpErrors(deps.logger))
    .use({
      onError: async (request) => {
        const outcome = request.error instanceof AppError ? request.error.code : 'internal_error';
        metrics.count('WebhookRequests', { outcome });
      },
    })
    .handler(async (event) => {
      // API Gateway's own view of the peer; X-Forwarded-For is caller-controlled and never read.
      if (allowed.size > 0 && !allowed.has(event.requestContext.http.sourceIp)) {
        throw new AppError('forbidden', 'Source address is not allowed.');
      }
      const outcome = await acceptWebhook(
        {
          body: rawBody(event),
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
