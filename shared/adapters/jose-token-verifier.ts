import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { TokenVerifier } from '../ports/token-verifier';

/** Asymmetric only: an issuer's JWKS never holds a shared secret, and `none`/HS* would let a caller sign. */
const ISSUER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[A-Za-z0-9_-]+$/;

export interface IssuerSettings {
  readonly issuer: string;
  /** The API's audience: a token's `aud`, or Cognito access tokens' `client_id`, must name it (as API Gateway checks). */
  readonly audience: string;
}

/**
 * The JWTs of the deployed issuer, checked again inside the function (API Gateway's authorizer
 * checks them first): a direct invoke with forged claims carries no token that passes here. The
 * key set is fetched on first use and cached by jose across invocations of this instance.
 */
export class IssuerTokenVerifier implements TokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(
    private readonly settings: IssuerSettings,
    /** How discovery documents and key sets are fetched (tests serve their own). */
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  async verifiedSubject(token: string): Promise<string | undefined> {
    try {
      this.keys ??= this.keySet().catch((error: unknown) => {
        this.keys = undefined; // a failed discovery is retried by the next call
        throw error;
      });
      const { payload } = await jwtVerify(token, await this.keys, {
        issuer: this.settings.issuer,
        algorithms: ISSUER_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      });
      return audienceMatches(payload, this.settings.audience) ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }

  /** Cognito publishes its keys at a fixed path; any other OIDC issuer names them in its discovery document. */
  private async keySet(): Promise<JWTVerifyGetKey> {
    const issuer = this.settings.issuer.replace(/\/+$/, '');
    const remote = (url: string) => createRemoteJWKSet(new URL(url), { [customFetch]: this.fetchImpl });
    if (COGNITO_ISSUER.test(issuer)) return remote(`${issuer}/.well-known/jwks.json`);
    const response = await this.fetchImpl(`${issuer}/.well-known/openid-configuration`, { redirect: 'error', signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`Discovery answered ${response.status}.`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) throw new Error('The issuer names no https jwks_uri.');
    return remote(jwksUri);
  }
}

/** The laptop's HS256 tokens (LOCAL_JWT_SECRET), checked as the deployed ones are. */
export class SharedSecretTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly settings: IssuerSettings,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async verifiedSubject(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.settings.issuer, algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
      return audienceMatches(payload, this.settings.audience) ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}

function audienceMatches(payload: JWTPayload, audience: string): boolean {
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  return audiences.includes(audience) || payload.client_id === audience;
}
