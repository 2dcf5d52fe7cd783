import { Duration } from 'aws-cdk-lib';
import { HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { JwtSettings } from '../config';
import { DEFAULT_BRIDGE_MAX_RPS } from '../../shared/domain/limits';
import { REVEAL_ROUTES } from '../../shared/http/routes';
import { grantSecretValue } from './bridge-secrets';
import { grantPasswordKey } from './data';
import type { RelayHttpApi } from './http-api';
import type { FunctionNetwork } from './egress-network';
import { ServiceFunction, type LogSettings } from './service-function';
import { ERASE_ITEMS, grantItems, grantTableKey, ITEM_PREFIXES, READ_ITEMS, WRITE_ITEMS } from './table-access';
import type { ParamsAndSecretsLayerVersion } from 'aws-cdk-lib/aws-lambda';

/** The routes that hand out a password: a user needs a handful a day, an attacker many. */
export const PASSWORD_ROUTE_THROTTLE = { rateLimit: 10, burstLimit: 20 };

/** Per-user limits of the function (defaults: shared/domain/user-limits.ts). */
export interface RevealUserLimits {
  readonly sessionsPerHour: number;
  readonly requestsPerMinute: number;
}

export interface RevealApiProps {
  /** Through which the function reads its secrets (service-function.ts `secretsExtension`). */
  readonly secretsExtension: ParamsAndSecretsLayerVersion;
  readonly api: RelayHttpApi;
  readonly jwt: JwtSettings;
  readonly table: Table;
  /** Stored sessions (encrypted passwords), without backups. */
  readonly sessionTable: Table;
  readonly dataKey: IKey;
  readonly passwordKey: IKey;
  readonly bridgeCredentialsSecret: ISecret;
  readonly bridgeApiUrl: string;
  readonly passwordTtlSeconds: number;
  readonly logging: LogSettings;
  /** Private subnets with a fixed egress address, for Bridge's allow-list. @default Lambda's own network */
  readonly network?: FunctionNetwork;
  /** Hosts a Bridge session url may point to. @default the function's default (guidance.bridgeapi.io) */
  readonly bridgeSessionHosts?: readonly string[];
  /** @default the function's defaults */
  readonly userLimits?: RevealUserLimits;
  /** Stage-wide throttle of the reveal and rotate routes. @default PASSWORD_ROUTE_THROTTLE */
  readonly passwordRouteThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** The fleet-wide Bridge request rate (renewals and rotations use its reserved share). @default DEFAULT_BRIDGE_MAX_RPS */
  readonly bridgeMaxRequestsPerSecond?: number;
}

/**
 * The apps' API behind a JWT authorizer: list guidance, reveal a password, delete it after use,
 * rotate it after a suspected leak. The function may decrypt passwords (and encrypt the new ones
 * it creates on renewal or rotation), only with the owner's encryption context.
 */
export class RevealApi extends Construct {
  readonly handler: ServiceFunction;
  readonly authorizer: HttpJwtAuthorizer;
  readonly routes: readonly HttpRoute[];

  constructor(scope: Construct, id: string, props: RevealApiProps) {
    super(scope, id);
    if (!props.jwt.issuer || !props.jwt.audience) throw new Error('RevealApi: jwt.issuer and jwt.audience are required.');

    this.handler = new ServiceFunction(this, 'RevealApi', {
      name: 'reveal-api',
      secretsExtension: props.secretsExtension,
      description: 'Lists guidance and reveals, deletes or rotates the stored session password of the caller',
      // Room for the slowest path that still answers in JSON: a rotate that loses a race and renews
      // again makes two Bridge calls of up to 7 s each (REVEAL_RETRY_POLICY); API Gateway waits 30 s.
      timeout: Duration.seconds(20),
      environment: {
        TABLE_NAME: props.table.tableName,
        SESSION_TABLE_NAME: props.sessionTable.tableName,
        PASSWORD_KEY_ARN: props.passwordKey.keyArn,
        BRIDGE_API_URL: props.bridgeApiUrl,
        BRIDGE_CREDENTIALS_SECRET_ID: props.bridgeCredentialsSecret.secretArn,
        PASSWORD_TTL_SECONDS: String(props.passwordTtlSeconds),
        // The function verifies the bearer token itself too (a direct invoke carries forged claims at most).
        JWT_ISSUER: props.jwt.issuer,
        JWT_AUDIENCE: props.jwt.audience,
        ...(props.bridgeSessionHosts ? { BRIDGE_SESSION_HOSTS: props.bridgeSessionHosts.join(',') } : {}),
        ...(props.userLimits
          ? {
              USER_SESSIONS_PER_HOUR: String(props.userLimits.sessionsPerHour),
              USER_REQUESTS_PER_MINUTE: String(props.userLimits.requestsPerMinute),
            }
          : {}),
        BRIDGE_MAX_RPS: String(props.bridgeMaxRequestsPerSecond ?? DEFAULT_BRIDGE_MAX_RPS),
      },
      ...props.logging,
      ...(props.network ? { network: props.network } : {}),
    });
    // Profiles: read only (renewals). Guidance records: read, claim, erase. Sessions: everything.
    const role = this.handler.role;
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.profiles], actions: ['dynamodb:GetItem'] });
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.appUser], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', ...ERASE_ITEMS] });
    // Per-user rate-limit counters: a conditional ADD on the caller's window item.
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.rateLimits], actions: ['dynamodb:UpdateItem'] });
    // Fleet-wide Bridge pacing (renewals and rotations take their tickets from the people's lane).
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.requestLines], actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] });
    grantItems(role, { table: props.sessionTable, prefixes: [ITEM_PREFIXES.appUser], actions: [...READ_ITEMS, ...WRITE_ITEMS, ...ERASE_ITEMS] });
    grantTableKey(props.dataKey, role);
    grantPasswordKey(props.passwordKey, this.handler.role, ['kms:Decrypt', 'kms:Encrypt']);
    grantSecretValue(props.bridgeCredentialsSecret, this.handler.role);

    this.authorizer = new HttpJwtAuthorizer('AppUserJwt', props.jwt.issuer, { jwtAudience: [props.jwt.audience] });
    const integration = new HttpLambdaIntegration('RevealApiIntegration', this.handler.function);
    const passwordThrottle = props.passwordRouteThrottle ?? PASSWORD_ROUTE_THROTTLE;
    // One route per row of the route table; the logical ids are API Gateway's method and path.
    this.routes = REVEAL_ROUTES.map((route) =>
      props.api.addRoute({
        method: HttpMethod[route.method],
        path: route.path,
        integration,
        authorizer: this.authorizer,
        ...(route.throttle === 'password' ? { throttle: { ...passwordThrottle } } : {}),
      }),
    );
  }
}
