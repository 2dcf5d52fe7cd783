import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppError } from '../../shared/domain/errors';
import {
  deleteSession,
  listGuidance,
  revealPassword,
  rotateSession,
  type RevealDeps,
  type RevealedSession,
} from '../../shared/domain/reveal-guidance';
import { httpErrors } from '../../shared/http/error-middleware';
import { callerOf, companyParam } from '../../shared/http/request';
import { json, noContent, type HttpResponse } from '../../shared/http/responses';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';

export interface RevealHandlerDeps extends RevealDeps {
  readonly logger: Logger;
  readonly metrics?: MetricsSink;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The reveal API: the caller is the JWT's `sub`; every answer is `Cache-Control: no-store`. */
export function createRevealHandler(deps: RevealHandlerDeps) {
  const metrics = deps.metrics ?? noMetrics;
  const audit = (action: string, appUserId: string, company: string, outcome: string, sessionId?: string) => {
    deps.logger.info('Audit', { audit: { action, appUserId, company, outcome, ...(sessionId ? { sessionId } : {}) } });
    metrics.count('RevealApiRequests', { action, outcome });
  };

  // Audits every attempt, including refusals; the password and URL never enter the line.
  const audited = async (action: string, appUserId: string, company: string, run: () => Promise<RevealedSession | void>) => {
    try {
      const result = await run();
      audit(action, appUserId, company, 'success', result?.sessionId);
      return result;
    } catch (error) {
      audit(action, appUserId, company, error instanceof AppError ? error.code : 'error');
      throw error;
    }
  };

  const routes: Record<string, (event: APIGatewayProxyEventV2, caller: string) => Promise<HttpResponse>> = {
    'GET /guidance': async (_event, caller) => {
      const items = await listGuidance(caller, deps);
      metrics.count('RevealApiRequests', { action: 'list', outcome: 'success' });
      return json(200, {
        items: items.map((item) => ({
          company_identification_number: item.companyIdentificationNumber,
          ready_at: iso(item.readyAt),
          session: item.session
            ? { id: item.session.id, url: item.session.url, expires_at: iso(item.session.expiresAt), reveal_count: item.session.revealCount }
            : null,
        })),
      });
    },
    'POST /guidance/{company_identification_number}/reveal': async (event, caller) => {
      const company = companyParam(event);
      return revealed(await audited('reveal', caller, company, () => revealPassword(caller, company, deps)));
    },
    'POST /guidance/{company_identification_number}/rotate': async (event, caller) => {
      const company = companyParam(event);
      return revealed(await audited('rotate', caller, company, () => rotateSession(caller, company, deps)));
    },
    'DELETE /guidance/{company_identification_number}/session': async (event, caller) => {
      const company = companyParam(event);
      await audited('delete', caller, company, () => deleteSession(caller, company, deps));
      return noContent();
    },
  };

  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const caller = callerOf(event);
      const route = routes[event.routeKey];
      if (!route) throw new AppError('not_found', 'No such route.');
      return route(event, caller);
    });
}

function revealed(session: RevealedSession | void): HttpResponse {
  if (!session) throw new AppError('internal_error', 'No session was produced.');
  return json(200, {
    session_id: session.sessionId,
    url: session.url,
    password: session.password,
    expires_at: iso(session.expiresAt),
  });
}
