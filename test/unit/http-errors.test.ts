import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { AppError } from '../../shared/domain/errors';
import { httpErrors } from '../../shared/http/error-middleware';
import type { HttpResponse } from '../../shared/http/responses';

const answer = async (error: unknown) => {
  const handler = middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(new Logger({ logLevel: 'SILENT' })))
    .handler(async () => {
      throw error;
    });
  const response = await handler({} as APIGatewayProxyEventV2, {} as Context);
  return { status: response.statusCode, body: JSON.parse(response.body as string) as unknown, headers: response.headers };
};

describe('the HTTP error mapping', () => {
  it('shows our own 4xx and 5xx messages, and hides a 500’s', async () => {
    expect(await answer(new AppError('not_found', 'No guidance is ready for this company.'))).toEqual(
      expect.objectContaining({ status: 404, body: { error: 'not_found', message: 'No guidance is ready for this company.' } }),
    );
    expect((await answer(new AppError('upstream_error', 'Bridge refused to create a session.'))).body).toEqual({
      error: 'upstream_error',
      message: 'Bridge refused to create a session.',
    });
    expect((await answer(new AppError('internal_error', 'Bridge credentials secret is not JSON.'))).body).toEqual({
      error: 'internal_error',
      message: 'Internal error.',
    });
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

  it('answers 500 with a fixed text to anything else', async () => {
    expect(await answer(new TypeError('x is undefined at secret-place'))).toEqual(
      expect.objectContaining({ status: 500, body: { error: 'internal_error', message: 'Internal error.' } }),
    );
  });
});
