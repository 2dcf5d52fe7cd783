import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { admitRequest } from '../../shared/domain/user-limits';
import {
  deleteSession,
  listGuidance,
  revealPassword,
  rotateSession,
  type RevealDeps,
  type RevealedSession,
} from '../../shared/domain/reveal-guidance';
import { httpErrors } from '../../shared/http/error-middleware';
import { errorCodeOf, HttpError } from '../../shared/http/errors';
import { companyParam, type Authenticate } from '../../shared/http/request';
import { json, noContent, type HttpResponse } from '../../shared/http/responses';
import { isAppUserId } from '../../shared/domain/identifiers';
import { noMetrics, type MetricsSink } from '../../shared/ports/metrics';
import { revealErrors } from './http-errors';

export interface RevealHandlerDeps extends RevealDeps {
  /** Names the caller: in every composition root, the verified bearer token (`bearerTokenCaller`). */
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  readonly metrics?: MetricsSink;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** The outcome recorded for a failed call: the error's code, never its message. */
const outcomeOf = (error: unknown) => errorCodeOf(error, revealErrors);

/** Stands in an audit line for a subject or company that failed validation. */
const INVALID_INPUT = '(invalid)';

const AUDITED_ACTIONS = new Map<string, 'reveal' | 'rotate' | 'delete'>([
  ['POST /guidance/{company_identification_number}/reveal', 'reveal'],
  ['POST /guidance/{company_identification_number}/rotate', 'rotate'],
  ['DELETE /guidance/{company_identification_number}/session', 'delete'],
]);

/** The reveal API: the caller is the JWT's `sub`; every answer is `Cache-Control: no-store`. */
export function createRevealHandler(deps: RevealHandlerDeps) {
  const metrics = deps.metrics ?? noMetrics;
  interface AuditedRequest {
    readonly action: 'reveal' | 'rotate' | 'delete';
    readonly appUserId: string;
    readonly company: string;
    readonly correlationId: string;
  }
  // Audits every attempt, including refusals: who, which company, which session, outcome. Never the
  // password or URL, and never raw input that failed validation (it is replaced by a marker).
  const audit = (request: AuditedRequest, outcome: string, sessionId?: string) => {
    const { action, appUserId, company, correlationId } = request;
    deps.logger.info('Audit', { correlationId, audit: { action, appUserId, company, outcome, ...(sessionId ? { sessionId } : {}) } });
    metrics.count('RevealApiRequests', { action, outcome });
  };
  const audited = async (request: AuditedRequest, run: () => Promise<RevealedSession | void>) => {
    try {
      const result = await run();
      audit(request, 'success', result?.sessionId);
      return result;
    } catch (error) {
      audit(request, outcomeOf(error));
      throw error;
    }
  };
  // Per user: one user's calls never use up another's allowance. Absent in tests that do not need it.
  const admit = async (caller: string) => {
    if (deps.userLimits) await admitRequest(caller, { ...deps.userLimits, clock: deps.clock });
  };
  const auditedRequest = (action: AuditedRequest['action'], event: APIGatewayProxyEventV2, caller: string): AuditedRequest => {
    const request = { action, appUserId: caller, company: INVALID_INPUT, correlationId: event.requestContext.requestId };
    try {
      return { ...request, company: companyParam(event) };
    } catch (error) {
      audit(request, outcomeOf(error));
      throw error;
    }
  };

  const routes = new Map<string, (event: APIGatewayProxyEventV2, caller: string) => Promise<HttpResponse>>(Object.entries({
    'GET /guidance': async (_event, caller) => {
      const items = await admit(caller).then(() => listGuidance(caller, deps)).catch((error: unknown) => {
        metrics.count('RevealApiRequests', { action: 'list', outcome: outcomeOf(error) });
        throw error;
      });
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
      const request = auditedRequest('reveal', event, caller);
      return revealed(await audited(request, async () => {
        await admit(caller);
        return revealPassword(caller, request.company, deps);
      }));
    },
    'POST /guidance/{company_identification_number}/rotate': async (event, caller) => {
      const request = auditedRequest('rotate', event, caller);
      return revealed(await audited(request, async () => {
        await admit(caller);
        return rotateSession(caller, request.company, deps);
      }));
    },
    'DELETE /guidance/{company_identification_number}/session': async (event, caller) => {
      const request = auditedRequest('delete', event, caller);
      await audited(request, async () => {
        await admit(caller);
        return deleteSession(caller, request.company, deps);
      });
      return noContent();
    },
  }));

  // No early-timeout timer: it costs a setTimeout per call, and Lambda's own timeout applies.
  return middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(deps.logger, revealErrors))
    .handler(async (event) => {
      const caller = await deps.authenticate(event);
      const route = routes.get(event.routeKey);
      if (!route) throw new HttpError('not_found', 'No such route.');
      // A subject no app user can have (say, longer than a key may be) owns nothing: a stranger.
      if (!isAppUserId(caller)) {
        const action = AUDITED_ACTIONS.get(event.routeKey);
        if (!action) return json(200, { items: [] }); // GET /guidance
        const request = auditedRequest(action, event, INVALID_INPUT);
        audit(request, 'not_found');
        throw new HttpError('not_found', 'No guidance is ready for this company.');
      }
      return route(event, caller);
    });
}

function revealed(session: RevealedSession | void): HttpResponse {
  if (!session) throw new HttpError('internal_error', 'No session was produced.');
  return json(200, {
    session_id: session.sessionId,
    url: session.url,
    password: session.password,
    expires_at: iso(session.expiresAt),
  });
}
