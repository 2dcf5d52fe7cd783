import type { ErrorCode } from './errors';

/**
 * Every route of the reveal API and of /internal, declared once. The handlers dispatch on it, the
 * CDK constructs and the laptop gateway serve it, the metrics and alarms name its actions, and the
 * OpenAPI test holds openapi.yaml to it. Adding a route: its use case, one row here, the handler's
 * binding for its action, its OpenAPI entry, its tests.
 */
export const API_ROUTES = [
  { api: 'reveal', method: 'GET', path: '/guidance', action: 'list', auth: 'jwt', throttle: 'default', audited: false, serverErrors: ['internal_error'] },
  {
    api: 'reveal',
    method: 'POST',
    path: '/guidance/{company_identification_number}/reveal',
    action: 'reveal',
    auth: 'jwt',
    throttle: 'password',
    audited: true,
    serverErrors: ['service_unavailable', 'upstream_error', 'internal_error'],
  },
  {
    api: 'reveal',
    method: 'DELETE',
    path: '/guidance/{company_identification_number}/session',
    action: 'delete',
    auth: 'jwt',
    throttle: 'default',
    audited: true,
    serverErrors: ['internal_error'],
  },
  {
    api: 'reveal',
    method: 'POST',
    path: '/guidance/{company_identification_number}/rotate',
    action: 'rotate',
    auth: 'jwt',
    throttle: 'password',
    audited: true,
    serverErrors: ['service_unavailable', 'upstream_error', 'internal_error'],
  },
  { api: 'internal', method: 'PUT', path: '/internal/users/{bridge_user_uuid}', action: 'register', auth: 'iam', throttle: 'default', audited: false, serverErrors: ['internal_error'] },
  { api: 'internal', method: 'DELETE', path: '/internal/users/{bridge_user_uuid}', action: 'erase', auth: 'iam', throttle: 'default', audited: false, serverErrors: ['internal_error'] },
] as const satisfies readonly RouteDeclaration[];

export interface RouteDeclaration {
  /** Which function serves it: `reveal` (reveal-api, its own HTTP API with CORS) or `internal` (internal-users). */
  readonly api: 'reveal' | 'internal';
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway's path, `{name}` for a parameter. */
  readonly path: string;
  /** The `action` dimension of its metrics, and its name in audit lines. */
  readonly action: string;
  /** `jwt`: an app user's bearer token; `iam`: SigV4 of the platform back end (the admin token on a laptop). */
  readonly auth: 'jwt' | 'iam';
  /** `password`: the stage throttle of the routes that hand out a password; `default`: the API's own. */
  readonly throttle: 'default' | 'password';
  /** Every attempt writes an audit line (who, which company, outcome), refusals included. */
  readonly audited: boolean;
  /** The 5xx outcomes it can record; the 5xx alarm sums exactly these (an alarm takes at most 10 metrics). */
  readonly serverErrors: readonly ErrorCode[];
}

export type ApiRoute = (typeof API_ROUTES)[number];
export type RevealRoute = Extract<ApiRoute, { api: 'reveal' }>;
export type RevealAction = RevealRoute['action'];
export type InternalRoute = Extract<ApiRoute, { api: 'internal' }>;

/** API Gateway's route key: `POST /guidance/{company_identification_number}/reveal`. */
export const routeKeyOf = (route: RouteDeclaration): string => `${route.method} ${route.path}`;

export const REVEAL_ROUTES: readonly RevealRoute[] = API_ROUTES.filter((route): route is RevealRoute => route.api === 'reveal');
export const INTERNAL_ROUTES: readonly InternalRoute[] = API_ROUTES.filter((route): route is InternalRoute => route.api === 'internal');
export const REVEAL_ACTIONS: readonly RevealAction[] = REVEAL_ROUTES.map((route) => route.action);
