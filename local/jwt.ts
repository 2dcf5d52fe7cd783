import { jwtVerify, SignJWT, type JWTPayload } from 'jose';

export const LOCAL_JWT_ISSUER = 'guidance-relay-local';
export const LOCAL_JWT_AUDIENCE = 'guidance-relay';

/** What API Gateway's JWT authorizer does, for the laptop: HS256 only, issuer, audience, expiry. */
export async function verifyLocalToken(token: string, secret: string): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      issuer: LOCAL_JWT_ISSUER,
      audience: LOCAL_JWT_AUDIENCE,
      requiredClaims: ['sub', 'exp'],
    });
    return payload;
  } catch {
    return undefined;
  }
}

export async function signLocalToken(appUserId: string, secret: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(appUserId)
    .setIssuer(LOCAL_JWT_ISSUER)
    .setAudience(LOCAL_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
