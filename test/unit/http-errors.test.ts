import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { webhookErrors } from '../../functions/bridge-webhook/http-errors';
import { revealErrors } from '../../functions/reveal-api/http-errors';
import { BridgeBusy, DomainError, Misconfigured, PermanentFailure, RateLimited, TransientFailure } from '../../shared/domain/errors';
import { httpErrors } from '../../shared/http/error-middleware';
import { ERROR_STATUS, HttpError, noDomainErrors, type ErrorMapping } from '../../shared/http/errors';
import type { HttpResponse } from '../../shared/http/responses';

const answer = async (error: unknown, mapping: ErrorMapping = noDomainErrors) => {
  const handler = middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(new Logger({ logLevel: 'SILENT' }), mapping))
    .handler(async () => {
      throw error;
    });
  const response = await handler({} as APIGatewayProxyEventV2, {} as Context);
  return { status: response.statusCode, body: JSON.parse(response.body as string) as unknown, headers: response.headers };
};

describe('the HTTP error middleware', () => {
  it('shows an HttpError’s 4xx and 5xx message, and hides a 500’s', async () => {
    expect(await answer(new HttpError('invalid_request', 'company_identification_number must be 9 digits.'))).toEqual(
      expect.objectContaining({ status: 400, body: { error: 'invalid_request', message: 'company_identification_number must be 9 digits.' } }),
    );
    expect((await answer(new HttpError('upstream_error', 'Bridge refused to create a session.'))).body).toEqual({
      error: 'upstream_error',
      message: 'Bridge refused to create a session.',
    });
    expect((await answer(new HttpError('internal_error', 'Bridge credentials secret is not JSON.'))).body).toEqual({
      error: 'internal_error',
      message: 'Internal error.',
    });
  });

  it('answers what the API’s mapping makes of an error, with its headers', async () => {
    const response = await answer(new RateLimited(42), revealErrors);

    expect(response).toEqual(expect.objectContaining({ status: 429, body: { error: 'rate_limited', message: 'Too many requests for this user; retry later.' } }));
    expect(response.headers['retry-after']).toBe('42');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 to an AWS SDK failure (throttling, unavailable) without its text', async () => {
    const throttled = Object.assign(new Error('Rate exceeded for arn:aws:kms:eu-west-1:1:key/k'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });

    const response = await answer(throttled);

    expect(response.status).toBe(503);
    expect(response.body).toEqual({ error: 'service_unavailable', message: 'A dependency is unavailable; retry later.' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers 500 with a fixed text to anything else, and to a domain error an API does not map', async () => {
    expect(await answer(new TypeError('x is undefined at secret-place'))).toEqual(
      expect.objectContaining({ status: 500, body: { error: 'internal_error', message: 'Internal error.' } }),
    );
    expect(await answer(new DomainError('not_found', 'No guidance is ready for this company.'))).toEqual(
      expect.objectContaining({ status: 500, body: { error: 'internal_error', message: 'Internal error.' } }),
    );
  });
});

// One row per error an API's use cases raise: the mapping is the only place it becomes HTTP.
describe.each([
  ['webhook', webhookErrors, [
    [new DomainError('invalid_signature', 'Missing or invalid BridgeApi-Signature.'), 'invalid_signature', 'Missing or invalid BridgeApi-Signature.'],
    [new DomainError('unreadable_event', 'Body is not valid JSON.'), 'invalid_json', 'Body is not valid JSON.'],
    [new DomainError('invalid_event', 'Invalid fields: company.'), 'invalid_event', 'Invalid fields: company.'],
    [new TransientFailure('queue_unavailable', 'x'), 'queue_unavailable', 'The event could not be queued; Bridge will retry.'],
    [new TransientFailure('webhook_secret_unavailable', 'x'), 'service_unavailable', 'A dependency is unavailable; retry later.'],
    [new Misconfigured('webhook_secret_invalid', 'x'), 'internal_error', 'Internal error.'],
    [new DomainError('not_found', 'x'), undefined, undefined],
    [new RateLimited(1), undefined, undefined],
    [new Error('bug'), undefined, undefined],
  ]],
  ['reveal', revealErrors, [
    [new DomainError('not_found', 'No guidance is ready for this company.'), 'not_found', 'No guidance is ready for this company.'],
    [new DomainError('unavailable', 'The session changed too often; retry.'), 'service_unavailable', 'The session changed too often; retry.'],
    [new RateLimited(7), 'rate_limited', 'Too many requests for this user; retry later.'],
    [new TransientFailure('bridge_503', 'x'), 'service_unavailable', 'Bridge is unavailable; retry later.'],
    [new BridgeBusy('bridge_paced', 'x', { retryAfterMs: 10 }), 'service_unavailable', 'Bridge is unavailable; retry later.'],
    [new PermanentFailure('bridge_unknown_user', 'x'), 'upstream_error', 'Bridge refused to create a session.'],
    [new Misconfigured('bridge_credentials_invalid', 'x'), 'internal_error', 'Internal error.'],
    [new DomainError('invalid_signature', 'x'), undefined, undefined],
    [new Error('bug'), undefined, undefined],
  ]],
] as const)('the %s API’s error mapping', (_api, mapping, rows) => {
  it.each(rows.map((row) => [row[0].name, ...row] as const))('maps %s %p to %p', (_name, error, code, message) => {
    const mapped = mapping(error);

    if (code === undefined) {
      expect(mapped).toBeUndefined();
      return;
    }
    expect(mapped).toEqual(expect.objectContaining({ code, message, status: ERROR_STATUS[code] }));
  });
});
