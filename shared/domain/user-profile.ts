import * as v from 'valibot';
import { APP_USER_ID } from './identifiers';

/** Who a Bridge user is in our app, and how Bridge may reach them about a guidance. */
export interface UserProfile {
  readonly bridgeUserUuid: string;
  readonly appUserId: string;
  readonly countryCode: string;
  readonly contactEmail?: string;
  readonly contactPhoneNumber?: string;
  readonly language?: string;
}

export const userProfileBodySchema = v.object({
  app_user_id: v.pipe(v.string(), v.regex(APP_USER_ID)),
  country_code: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
  contact_email: v.optional(v.pipe(v.string(), v.maxLength(254), v.email())),
  contact_phone_number: v.optional(v.pipe(v.string(), v.regex(/^\+[1-9]\d{6,14}$/))),
  language: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}(-[A-Z]{2})?$/))),
});

export type UserProfileBody = v.InferOutput<typeof userProfileBodySchema>;

export function toUserProfile(bridgeUserUuid: string, body: UserProfileBody): UserProfile {
  return {
    bridgeUserUuid: bridgeUserUuid.toLowerCase(),
    appUserId: body.app_user_id,
    countryCode: body.country_code,
    ...(body.contact_email === undefined ? {} : { contactEmail: body.contact_email }),
    ...(body.contact_phone_number === undefined ? {} : { contactPhoneNumber: body.contact_phone_number }),
    ...(body.language === undefined ? {} : { language: body.language }),
  };
}
