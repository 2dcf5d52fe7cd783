import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { check } from '../../shared/domain/validation';
import { eraseUser, registerUser, type ManageUsersDeps } from '../../shared/domain/manage-users';
import { toUserProfile, userProfileBodySchema } from '../../shared/domain/user-profile';
import { httpErrors } from '../../shared/http/error-middleware';
import { HttpError, noDomainErrors } from '../../shared/http/errors';
import { bridgeUserParam, jsonBody } from '../../shared/http/request';
import { INTERNAL_ROUTES, type InternalRoute } from '../../shared/http/routes';
import { json, noContent, type HttpResponse } from '../../shared/http/responses';

const MAX_PROFILE_BODY_BYTES = 4096;

export interface InternalUsersDeps extends ManageUsersDeps {
  readonly logger: Logger;
}

/** The platform back end's user registry: IAM-authenticated in AWS, admin token locally. */
export function createInternalUsersHandler(deps: InternalUsersDeps) {
  // One binding per action of the route table (shared/http/routes.ts).
  const actions: Record<InternalRoute['action'], (event: APIGatewayProxyEventV2, bridgeUserUuid: string) => Promise<HttpResponse>> = {
    register: async (event, bridgeUserUuid) => {
      const parsed = check(userProfileBodySchema, jsonBody(event, MAX_PROFILE_BODY_BYTES));
      if (!parsed.ok) throw new HttpError('invalid_request', `Invalid fields: ${parsed.fields}.`);
      const profile = toUserProfile(bridgeUserUuid, parsed.value);
      await registerUser(profile, deps);
      deps.logger.info('User registered', { bridgeUserUuid, appUserId: profile.appUserId });
      return json(200, { bridge_user_uuid: bridgeUserUuid, ...parsed.value });
    },
    erase: async (_event, bridgeUserUuid) => {
      await eraseUser(bridgeUserUuid, deps);
      deps.logger.info('User erased', { bridgeUserUuid });
      return noContent();
    },
  };
  // No early-timeout timer: it costs a setTimeout per call, and Lambda's own timeout applies.
  return middy<APIGatewayProxyEventV2, HttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpErrors(deps.logger, noDomainErrors))
    .handler(async (event) => {
      const bridgeUserUuid = bridgeUserParam(event);
      const method = event.requestContext.http.method.toUpperCase();
      const route = INTERNAL_ROUTES.find((candidate) => candidate.method === method);
      if (!route) throw new HttpError('method_not_allowed', `Use ${INTERNAL_ROUTES.map((candidate) => candidate.method).join(' or ')}.`);
      return actions[route.action](event, bridgeUserUuid);
    });
}
