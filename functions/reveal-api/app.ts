import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { admitRequest } from '../../shared/domain/user-limits';
import { DomainError } from '../../shared/domain/errors';
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
import { REVEAL_ROUTES, routeKeyOf, type RevealAction, type RevealRoute } from '../../shared/http/routes';
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

/** An answer, and the session it handed out (for the audit line: its id, never its secrets). */
interface Served {
  readonly response: HttpResponse;
  readonly sessionId?: string;
}
type RouteHandler = (event: APIGatewayProxyEventV2, caller: string) => Promise<Served>;

/** The reveal API: the caller is the JWT's `sub`; every answer is `Cache-Control: no-store`. */
export function createRevealHandler(deps: RevealHandlerDeps) {
  const metrics = deps.metrics ?? noMetrics;
  interface AuditedRequest {
    readonly action: RevealAction;
    readonly appUserId: string;
    readonly company: string;
    readonly correlationId: string;
  }
  // Audits every attempt, including refusals: who, which company, which session, outcome. Never the
  // password or URL, and never raw input that failed validation (it is replaced by a marker).
  const audit = (request: AuditedRequest, outcome: string, sessionId?: string) => {
    const { action, appUserId, company, correlationId } = request;
    deps.logger.info('Audit', { correlationId, audit: { action, appUserId, company, outcome, ...(sessionId ? { sessionId } : {}) } });
  };
  const auditedRequest = (action: RevealAction, event: APIGatewayProxyEventV2, caller: string): AuditedRequest => ({
    action,
    appUserId: caller,
    company: safeCompany(event),
    correlationId: event.requestContext.requestId,
  });
  // Per user: one user's calls never use up another's allowance. Absent in tests that do not need it.
  const admit = async (caller: string) => {
    if (deps.userLimits) await admitRequest(caller, { ...deps.userLimits, clock: deps.clock });
  };

  // One binding per action of the route table (shared/http/routes.ts).
  const actions: Record<RevealAction, RouteHandler> = {
    list: async (_event, caller) => {
      await admit(caller);
      const items = await listGuidance(caller, deps);
      return answered(json(200, {
        items: items.map((item) => ({
          company_identification_number: item.companyIdentificationNumber,
          ready_at: iso(item.readyAt),
          session: item.session
            ? { id: item.session.id, url: item.session.url, expires_at: iso(item.session.expiresAt), reveal_count: item.session.revealCount }
            : null,
        })),
      }));
    },
    reveal: async (event, caller) => {
      const company = companyParam(event);
      await admit(caller);
      return revealed(await revealPassword(caller, company, deps));
    },
    rotate: async (event, caller) => {
      const company = companyParam(event);
      await admit(caller);
      return revealed(await rotateSession(caller, company, deps));
    },
    delete: async (event, caller) => {
      const company = companyParam(event);
      await admit(caller);
      await deleteSession(caller, company, deps);
      return answered(noContent());
    },
  };
  const routes = new Map(REVEAL_ROUTES.map((route) => [routeKeyOf(route), route]));

  // Records the outcome of every call by action (and audits the audited routes), whatever the answer.
  const served = async (route: RevealRoute, event: APIGatewayProxyEventV2, caller: string, run: () => Promise<Served>) => {
    const request = auditedRequest(route.action, event, caller);
    try {
      const { response, sessionId } = await run();
      if (route.audited) audit(request, 'success', sessionId);
      metrics.count('RevealApiRequests', { action: route.action, outcome: 'success' });
      return response;
    } catch (error) {
      const outcome = outcomeOf(error);
      if (route.audited) audit(request, outcome);
      metrics.count('RevealApiRequests', { action: route.action, outcome });
      throw error;
    }
  };

  // No early-timeout timer: it costs a setTimeout per call, and Lambda's own timeout applies.
  return middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(deps.logger, revealErrors))
    .handler(async (event) => {
      const caller = await deps.authenticate(event);
      const route = routes.get(event.routeKey);
      if (!route) throw new HttpError('not_found', 'No such route.');
      // A subject no app user can have (say, longer than a key may be) owns nothing: a stranger.
      if (!isAppUserId(caller)) {
        return served(route, event, INVALID_INPUT, async () => {
          if (route.action === 'list') return answered(json(200, { items: [] }));
          companyParam(event); // a malformed company is still a 400, whoever asks
          throw new DomainError('not_found', 'No guidance is ready for this company.');
        });
      }
      return served(route, event, caller, () => actions[route.action](event, caller));
    });
}

/** The company for an audit line: the path's value once it passed validation, else a marker (also when there is none). */
function safeCompany(event: APIGatewayProxyEventV2): string {
  try {
    return companyParam(event);
  } catch {
    return INVALID_INPUT;
  }
}

function answered(response: HttpResponse): Served {
  return { response };
}

function revealed(session: RevealedSession): Served {
  const response = json(200, {
    session_id: session.sessionId,
    url: session.url,
    password: session.password,
    expires_at: iso(session.expiresAt),
  });
  return { response, sessionId: session.sessionId };
}
