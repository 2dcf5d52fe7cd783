import type { KMSClientConfig } from '@aws-sdk/client-kms';

/** The parts of a signed SDK request a canned answer may depend on. */
export interface CannedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface CannedAnswer {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** The SDK's HTTP handler type (the same smithy interface for every client). */
export type SdkRequestHandler = NonNullable<KMSClientConfig['requestHandler']>;

/**
 * An SDK request handler that never touches the network: the client still builds, serialises,
 * signs, retries and parses as in production; only the bytes on the wire are canned.
 */
export function cannedHttpHandler(answer: (request: CannedRequest) => CannedAnswer): SdkRequestHandler {
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      // The JSON protocol hands over a Uint8Array subclass that warns when used as a string: decode its bytes.
      const raw = request.body;
      const body = raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8') : typeof raw === 'string' ? raw : '';
      const canned = answer({ headers: request.headers, body });
      const bytes = Buffer.from(canned.body, 'utf8');
      return {
        response: {
          statusCode: canned.statusCode ?? 200,
          reason: 'OK',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(bytes.length), ...canned.headers },
          body: new Uint8Array(bytes),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return handler as unknown as SdkRequestHandler;
}

/** The header an AWS JSON-protocol request names its operation with, e.g. `DynamoDB_20120810.GetItem`. */
export function operationOf(request: CannedRequest): string {
  const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
  return target.split('.').pop() ?? '';
}

export const STATIC_CREDENTIALS = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'benchmark-secret-key' } as const;
