import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_SCHEME = 'v1';
const SHA256_HEX_LENGTH = 64;
const HEX = /^[0-9a-fA-F]+$/;

/** The `v1` digests of a `BridgeApi-Signature` header; other schemes and malformed entries are ignored. */
export function parseSignatureHeader(header: string | undefined): Buffer[] {
  if (!header) return [];
  const digests: Buffer[] = [];
  for (const entry of header.split(',')) {
    const separator = entry.indexOf('=');
    if (separator < 0) continue;
    const scheme = entry.slice(0, separator).trim();
    const hex = entry.slice(separator + 1).trim();
    if (scheme !== SIGNATURE_SCHEME || hex.length !== SHA256_HEX_LENGTH || !HEX.test(hex)) continue;
    digests.push(Buffer.from(hex, 'hex'));
  }
  return digests;
}

/** HMAC-SHA256 of the exact body bytes, as Bridge computes it. */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * True when any `v1` digest matches the body under any secret. Every candidate is compared in
 * constant time and the loop never stops early, so timing does not tell which entry matched.
 */
export function isSignedByAny(body: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  const digests = parseSignatureHeader(header);
  if (digests.length === 0) return false;
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    for (const digest of digests) {
      if (timingSafeEqual(expected, digest)) matched = true;
    }
  }
  return matched;
}
