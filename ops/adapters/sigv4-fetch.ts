import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedRequest {
  readonly method: 'PUT' | 'DELETE';
  readonly url: URL;
  readonly body?: string;
  readonly region: string;
}

/**
 * Calls an IAM-authorised API Gateway route, signed with SigV4 by the AWS SDK's own signer; the
 * credentials come from the SDK's usual chain (env, profile, SSO, container or instance role).
 */
export async function sigv4Fetch(request: SignedRequest): Promise<Response> {
  const signer = new SignatureV4({ service: 'execute-api', region: request.region, credentials: fromNodeProviderChain(), sha256: Sha256 });
  const { url } = request;
  const headers: Record<string, string> = { host: url.host, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) };
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  // fetch sets Host itself (from the URL, the value that was signed).
  const { host: _host, ...sendHeaders } = signed.headers;
  return fetch(url, { method: request.method, headers: sendHeaders, ...(request.body === undefined ? {} : { body: request.body }) });
}

/** `https://<id>.execute-api.<region>.amazonaws.com/…` names its region; a custom domain does not. */
export function regionOfApiUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}
