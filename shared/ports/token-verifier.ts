/** Checks a bearer token itself (signature, issuer, audience, expiry) and names its subject. */
export interface TokenVerifier {
  /** The verified `sub`, or undefined for any token that is not valid for this API. */
  verifiedSubject(token: string): Promise<string | undefined>;
}
