import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { createRevealHandler } from '../../functions/reveal-api/app';
import { IssuerTokenVerifier } from '../../shared/adapters/jose-token-verifier';
import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { registerUser } from '../../shared/domain/manage-users';
import { bearerTokenCaller } from '../../shared/http/request';
import { LocalOutbox } from '../../local/outbox';
import { FakeBridge } from '../fakes/fake-bridge';
import { InMemoryGuidanceStore } from '../fakes/in-memory-guidance-store';
import { InMemoryUserDirectory } from '../fakes/in-memory-user-directory';
import { ManualClock } from '../fakes/manual-clock';
import { httpApiEvent, lambdaContext, parseHttpResult } from '../fixtures/api-gateway';
import { guidanceEvent } from '../fixtures/sqs';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'guidance-app';
const COMPANY = '529196313';
const ALICE = { bridgeUserUuid: '11111111-1111-4111-8111-111111111111', appUserId: 'alice', countryCode: 'FR' };

let issuerKey: CryptoKey;
let attackerKey: CryptoKey;
let fetched: string[];
let invoke: (event: APIGatewayProxyEventV2) => Promise<ReturnType<typeof parseHttpResult>>;
let bridge: FakeBridge;

/** The issuer's discovery document and key set, as its https endpoints would serve them. */
async function issuerFetch(publicJwk: object): Promise<typeof fetch> {
  return (async (url: string | URL | Request) => {
    fetched.push(String(url));
    if (String(url) === `${ISSUER}/.well-known/openid-configuration`) return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/keys` });
    if (String(url) === `${ISSUER}/keys`) return Response.json({ keys: [{ ...publicJwk, kid: 'k1', alg: 'RS256', use: 'sig' }] });
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
}

const token = (key: CryptoKey | Uint8Array, claims: Record<string, unknown> = {}, alg = 'RS256', expiresIn = '10m') =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg, kid: 'k1' })
    .setSubject(String(claims.sub ?? 'alice'))
    .setIssuer(String(claims.iss ?? ISSUER))
    .setAudience(claims.aud === undefined ? AUDIENCE : (claims.aud as string))
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);

/** A reveal call; `claims` is what a caller invoking the function directly may write into the event. */
const reveal = (authorization: string | undefined, claims: Record<string, unknown> | undefined) => {
  const event = httpApiEvent({
    method: 'POST',
    path: `/guidance/${COMPANY}/reveal`,
    routeKey: 'POST /guidance/{company_identification_number}/reveal',
    ...(authorization ? { headers: { authorization } } : {}),
  });
  event.pathParameters = { company_identification_number: COMPANY };
  if (claims) (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims, scopes: [] } };
  return invoke(event);
};

beforeAll(async () => {
  const issuer = await generateKeyPair('RS256', { extractable: true });
  issuerKey = issuer.privateKey;
  attackerKey = (await generateKeyPair('RS256')).privateKey;
  fetched = [];
  const store = new InMemoryGuidanceStore();
  const users = new InMemoryUserDirectory();
  const clock = new ManualClock(Date.now());
  bridge = new FakeBridge();
  const deps = { store, users, bridge, cipher: new LocalAesGcmCipher(), clock, passwordTtlSeconds: 1800 };
  await registerUser(ALICE, { users, store });
  await processGuidanceEvent(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, clock.now()), 'corr', { ...deps, notifier: new LocalOutbox() });
  const verifier = new IssuerTokenVerifier({ issuer: ISSUER, audience: AUDIENCE }, await issuerFetch(await exportJWK(issuer.publicKey)));
  const handler = createRevealHandler({ ...deps, authenticate: bearerTokenCaller(verifier), logger: new Logger({ logLevel: 'SILENT' }) });
  invoke = async (event) => parseHttpResult(await handler(event, lambdaContext('reveal-api')));
});

describe('the reveal function checks the bearer token itself', () => {
  it('answers 401 to a direct invoke with forged authorizer claims and no token, and reveals nothing', async () => {
    const forged = await reveal(undefined, { sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: 4_000_000_000 });

    expect(forged.statusCode).toBe(401);
    expect(forged.json).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect(JSON.stringify(forged.json)).not.toContain(bridge.issued[0]!.password);
  });

  it.each([
    ['signed by another key', () => token(attackerKey)],
    ['of another issuer', () => token(issuerKey, { iss: 'https://evil.example' })],
    ['for another audience', () => token(issuerKey, { aud: 'other-app' })],
    ['expired', () => token(issuerKey, {}, 'RS256', '-1m')],
    ['signed HS256 with the public key as secret (algorithm confusion)', () => token(new TextEncoder().encode('k1'), {}, 'HS256')],
    ['unsigned', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: 4e9 })).toString('base64url')}.`],
  ])('answers 401 to a token %s, whatever the claims in the event say', async (_what, make) => {
    const result = await reveal(`Bearer ${await make()}`, { sub: 'alice' });

    expect(result.statusCode).toBe(401);
  });

  it('answers 401 when the event’s claims name someone other than the token', async () => {
    expect((await reveal(`Bearer ${await token(issuerKey, { sub: 'mallory' })}`, { sub: 'alice' })).statusCode).toBe(401);
  });

  it('reveals to a valid token of the issuer, with Cognito access tokens’ client_id as audience too, fetching the key set once', async () => {
    const byAudience = await reveal(`Bearer ${await token(issuerKey)}`, { sub: 'alice' });
    const accessToken = await new SignJWT({ client_id: AUDIENCE, token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setExpirationTime('10m')
      .sign(issuerKey);
    const byClientId = await reveal(`Bearer ${accessToken}`, undefined);

    expect([byAudience.statusCode, byClientId.statusCode]).toEqual([200, 200]);
    expect((byAudience.json as { password: string }).password).toBe(bridge.issued[0]!.password);
    expect(fetched.filter((url) => url.endsWith('/keys'))).toHaveLength(1);
  });
});
