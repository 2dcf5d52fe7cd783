import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { acceptWebhook, type AcceptWebhookDeps } from '../../shared/domain/accept-webhook';
import { AppError } from '../../shared/domain/errors';
import { header, httpErrors, rawBody } from '../../shared/http/error-middleware';
import { json, type HttpResponse } from '../../shared/http/responses';

export interface WebhookHandlerDeps extends AcceptWebhookDeps {
  readonly logger: Logger;
  /** Bridge's egress IPs; empty disables the check (the laptop stack). */
  readonly allowedSourceIps: readonly string[];
}

/** `POST /webhooks/bridge`: HTTP in, the accept-webhook use case, HTTP out. */
export function createWebhookHandler(deps: WebhookHandlerDeps) {
  const allowed = new Set(deps.allowedSourceIps);
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpErrors(deps.logger))
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
      return json(200, { status: outcome.status });
    });
}
