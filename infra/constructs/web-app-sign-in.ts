import { Aws } from 'aws-cdk-lib';
import type { JwtSettings, Stage } from '../config';
import type { SignInConfig } from '../../web/src/runtime-config';
import type { AppUserPool } from './app-user-pool';

/** How the deployed web app signs in, which identity-provider origins its CSP allows, and the redirect to register. */
export interface WebAppSignIn {
  readonly config: SignInConfig;
  readonly origins: readonly string[];
  allowRedirectTo(appUrl: string): void;
}

const SCOPE = 'openid email';

/**
 * The identity-provider origins the CSP header allows, known before the user pool exists: your
 * issuer's origin, or Cognito's sign-in domains in this region (index.html narrows them to ours).
 */
export function identityProviderOriginsAtSynth(jwt: JwtSettings | undefined): string[] {
  return jwt ? [new URL(jwt.issuer).origin] : [`https://*.auth.${Aws.REGION}.amazoncognito.com`];
}

/**
 * Cognito (no `jwtIssuer`): the stack's pool gets a domain and its app client the code flow, and the
 * endpoints go into the app's config, so the page needs no discovery request. Your own issuer: the
 * app discovers it from `<issuer>/.well-known/openid-configuration` and signs in with `jwtAudience`
 * as its client id; the CSP allows the issuer's origin (its token endpoint must be on it too).
 */
export function webAppSignIn(userPool: AppUserPool | undefined, jwt: JwtSettings, stage: Stage): WebAppSignIn {
  if (!userPool) {
    return { config: { kind: 'oidc', authority: jwt.issuer, clientId: jwt.audience, scope: SCOPE }, origins: [new URL(jwt.issuer).origin], allowRedirectTo: () => undefined };
  }
  // Cognito domain prefixes are global per region: the account id keeps ours unique.
  const endpoints = userPool.addWebSignIn(`guidance-relay-${stage}-${Aws.ACCOUNT_ID}`);
  return {
    config: {
      kind: 'oidc',
      authority: jwt.issuer,
      clientId: jwt.audience,
      scope: SCOPE,
      metadata: {
        issuer: jwt.issuer,
        authorization_endpoint: endpoints.authorizationEndpoint,
        token_endpoint: endpoints.tokenEndpoint,
        end_session_endpoint: `${endpoints.origin}/logout`,
      },
    },
    origins: [endpoints.origin],
    allowRedirectTo: (appUrl) => userPool.allowWebRedirect(appUrl),
  };
}
