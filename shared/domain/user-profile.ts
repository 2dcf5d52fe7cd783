import * as z from 'zod/mini';
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

export const userProfileBodySchema = z.object({
  app_user_id: z.string().check(z.regex(APP_USER_ID)),
  country_code: z.string().check(z.regex(/^[A-Z]{2}$/)),
  contact_email: z.optional(z.email().check(z.maxLength(254))),
  contact_phone_number: z.optional(z.string().check(z.regex(/^\+[1-9]\d{6,14}$/))),
  language: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/))),
});

export type UserProfileBody = z.infer<typeof userProfileBodySchema>;

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
