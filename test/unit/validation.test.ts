import { guidanceEventKey, guidanceWebhookSchema, queuedGuidanceEventSchema } from '../../shared/domain/guidance-event';
import { sessionRenewal, sessionRenewalSchema } from '../../shared/domain/session-renewal';
import { userProfileBodySchema } from '../../shared/domain/user-profile';
import { check } from '../../shared/domain/validation';

const USER = '0d9b1f4e-7c3a-4b8e-9f1a-2c3d4e5f6a7b';
const webhookBody = (overrides: Record<string, unknown> = {}, content: Record<string, unknown> = {}) => ({
  type: 'guidance.health.ready',
  timestamp: 1_733_200_000_000,
  content: { user_id: USER, company_identification_number: '123456789', ...content },
  ...overrides,
});

describe('check: the one way untrusted values meet a schema', () => {
  it('returns the value with unknown fields dropped, at every depth', () => {
    const checked = check(guidanceWebhookSchema, webhookBody({ extra: 'x' }, { other: 1 }));
    expect(checked).toEqual({ ok: true, value: webhookBody() });
  });

  it('names every wrong field by its dotted path, once each, and never quotes a value', () => {
    const secretLooking = 'not-a-uuid-but-a-secret-looking-value';
    const checked = check(guidanceWebhookSchema, webhookBody({ timestamp: -5 }, { user_id: secretLooking, company_identification_number: 12 }));
    expect(checked).toEqual({ ok: false, fields: 'timestamp, content.user_id, content.company_identification_number' });
    expect(JSON.stringify(checked)).not.toContain(secretLooking);
  });

  it('names a missing object and a body that is not an object', () => {
    expect(check(guidanceWebhookSchema, { type: 'guidance.health.ready', timestamp: 1 })).toEqual({ ok: false, fields: 'content' });
    expect(check(guidanceWebhookSchema, null)).toEqual({ ok: false, fields: '(body)' });
    // A JSON array has no named fields: refused, by the fields it lacks.
    expect(check(guidanceWebhookSchema, [webhookBody()])).toEqual({ ok: false, fields: 'type, timestamp, content' });
  });

  it.each([
    ['zero', 0],
    ['a fraction', 1.5],
    ['beyond 2^53', 2 ** 53],
    ['infinity', Number.POSITIVE_INFINITY],
    ['NaN', Number.NaN],
    ['a numeric string', '1733200000000'],
  ])('refuses a webhook timestamp that is %s', (_what, timestamp) => {
    expect(check(guidanceWebhookSchema, webhookBody({ timestamp }))).toEqual({ ok: false, fields: 'timestamp' });
  });

  it('accepts what the webhook queues and what an operator renewal queues, as the worker reads them back', () => {
    const queued = {
      eventKey: guidanceEventKey('guidance.health.ready', USER, '123456789', 1),
      type: 'guidance.health.ready',
      timestamp: 1,
      bridgeUserUuid: USER,
      companyIdentificationNumber: '123456789',
      receivedAt: 2,
    };
    expect(check(queuedGuidanceEventSchema, JSON.parse(JSON.stringify(queued)))).toEqual({ ok: true, value: queued });
    const renewal = sessionRenewal('user-1', '123456789', 3, 'request-1');
    expect(check(sessionRenewalSchema, JSON.parse(JSON.stringify(renewal)))).toEqual({ ok: true, value: renewal });
    expect(check(sessionRenewalSchema, { ...renewal, requestedAt: 1.5 })).toEqual({ ok: false, fields: 'requestedAt' });
  });

  it('keeps optional profile fields optional, and checks them when present', () => {
    expect(check(userProfileBodySchema, { app_user_id: 'user-1', country_code: 'FR' })).toEqual({ ok: true, value: { app_user_id: 'user-1', country_code: 'FR' } });
    const wrong = check(userProfileBodySchema, {
      app_user_id: 'user-1',
      country_code: 'fr',
      contact_email: 'not an address',
      contact_phone_number: '0612345678',
      language: 'french',
    });
    expect(wrong).toEqual({ ok: false, fields: 'country_code, contact_email, contact_phone_number, language' });
    const longEmail = `${'a'.repeat(250)}@x.fr`;
    expect(check(userProfileBodySchema, { app_user_id: 'user-1', country_code: 'FR', contact_email: longEmail })).toEqual({ ok: false, fields: 'contact_email' });
  });
});
