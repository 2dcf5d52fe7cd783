import { Duration, Lazy, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
  type HttpMethod,
  type HttpRoute,
  type HttpRouteIntegration,
  type IHttpRouteAuthorizer,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from '../../shared/http/cors';

/** API-wide limit; the routes that hand out passwords get a stricter one of their own. */
export const DEFAULT_THROTTLE: Required<ThrottleSettings> = { rateLimit: 50, burstLimit: 100 };

/**
 * One JSON line per request: who (source IP as API Gateway saw it), what route, outcome and
 * timings. Never headers, query strings, paths with ids, or bodies.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

export interface RelayHttpApiProps {
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Encrypts the access logs. @default AWS-owned key */
  readonly logEncryptionKey?: IKey;
  /** @default DEFAULT_THROTTLE */
  readonly throttle?: Required<ThrottleSettings>;
  /** @default 'guidance-relay: Bridge webhook, reveal API and internal users API' */
  readonly description?: string;
  /**
   * Origins whose pages may call this API (the reveal API's CORS policy, shared/http/cors.ts).
   * API Gateway's CORS is API-wide, hence a separate API for the routes that may have it.
   * @default no CORS
   */
  readonly corsAllowedOrigins?: readonly string[];
}

export interface RelayRouteOptions {
  readonly method: HttpMethod;
  readonly path: string;
  readonly integration: HttpRouteIntegration;
  /** Required: a route without one is a decision the caller documents (the webhook). */
  readonly authorizer: IHttpRouteAuthorizer;
  /** Stricter than the stage default. */
  readonly throttle?: Required<ThrottleSettings>;
}

/**
 * The HTTP API with its `$default` stage: JSON access logs to a log group with a retention,
 * default throttling, and per-route throttling written into the stage's `RouteSettings` (the L2
 * stage has no route-level throttling).
 */
export class RelayHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  /** `https://<id>.execute-api.<region>.amazonaws.com` (no trailing slash). */
  readonly endpoint: string;
  private readonly routeKeys = new Set<string>();
  private readonly routeThrottles = new Map<string, Required<ThrottleSettings>>();

  constructor(scope: Construct, id: string, props: RelayHttpApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    validateThrottle('throttle', throttle);

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      ...(props.logEncryptionKey ? { encryptionKey: props.logEncryptionKey } : {}),
    });
    this.api = new HttpApi(this, 'Api', {
      description: props.description ?? 'guidance-relay: Bridge webhook, reveal API and internal users API',
      createDefaultStage: false,
      ...(props.corsAllowedOrigins && props.corsAllowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsAllowedOrigins],
              allowMethods: CORS_ALLOWED_METHODS.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...CORS_ALLOWED_HEADERS],
              exposeHeaders: [...CORS_EXPOSED_HEADERS],
              allowCredentials: false,
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            },
          }
        : {}),
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Lazy.any({ produce: () => this.renderRouteSettings() });
    this.endpoint = this.api.apiEndpoint;
  }

  /** Adds one route; the stage is deployed after it, so route settings never name a missing route. */
  addRoute(options: RelayRouteOptions): HttpRoute {
    const routeKey = `${options.method} ${options.path}`;
    if (this.routeKeys.has(routeKey)) throw new Error(`RelayHttpApi: route ${routeKey} is defined twice.`);
    this.routeKeys.add(routeKey);
    const [route] = this.api.addRoutes({
      path: options.path,
      methods: [options.method],
      integration: options.integration,
      authorizer: options.authorizer,
    });
    if (!route) throw new Error(`RelayHttpApi: no route was created for ${routeKey}.`);
    if (options.throttle) {
      validateThrottle(`throttle of ${routeKey}`, options.throttle);
      this.routeThrottles.set(routeKey, options.throttle);
    }
    this.stage.node.addDependency(route);
    return route;
  }

  private renderRouteSettings(): Record<string, unknown> | undefined {
    if (this.routeThrottles.size === 0) return undefined;
    return Object.fromEntries(
      [...this.routeThrottles].map(([routeKey, limits]) => [
        routeKey,
        { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit },
      ]),
    );
  }
}

function validateThrottle(what: string, throttle: Required<ThrottleSettings>): void {
  if (!(throttle.rateLimit > 0) || !Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 1) {
    throw new Error(`RelayHttpApi: ${what} needs a positive rateLimit and an integer burstLimit of at least 1.`);
  }
}
