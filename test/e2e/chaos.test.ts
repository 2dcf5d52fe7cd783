import { chaosOptions, type ChaosOptions } from '../../local/chaos/options';
import { buildPlan } from '../../local/chaos/plan';
import { findSecrets, type SecretKind } from '../../local/chaos/secrets';
import { describeChaosRun } from '../fixtures/chaos-run';

/**
 * A short chaos run for `npm test`: 400 webhook requests instead of 1,000, with denser cipher and
 * notifier faults so that every kind of fault and delivery still happens (the assertions check it).
 * The full default run is test/slow/chaos.test.ts.
 */
const SHORT_RUN: Partial<ChaosOptions> = { events: 400, cipherFaultRate: 0.08, notifierFaultRate: 0.08 };

describeChaosRun('chaos run on the laptop stack (400 webhook requests, denser cipher and notifier faults)', SHORT_RUN, 120_000);

describe('the chaos plan', () => {
  const context = { anchorMs: Date.UTC(2026, 0, 1), webhookSecret: 'local-webhook-secret', maxAgeSeconds: 259_200 };

  it('is the same for the same seed and differs for another', () => {
    const plan = buildPlan(chaosOptions({ events: 300, seed: 7 }), context);

    expect(buildPlan(chaosOptions({ events: 300, seed: 7 }), context)).toEqual(plan);
    expect(buildPlan(chaosOptions({ events: 300, seed: 8 }), context).events).not.toEqual(plan.events);
    expect([...plan.first, ...plan.late].flatMap((step) => step.groups.flat())).toHaveLength(300);
  });
});

describe('the chaos secret search', () => {
  it('finds planted passwords, URL tokens and keys wherever they sit in a log line', () => {
    const secrets = new Map<string, SecretKind>([
      ['Ab3_x-9QzLmN', 'password'],
      ['0123456789abcdef01234567', 'url_token'],
      ['local-webhook-secret', 'webhook_secret'],
    ]);
    for (let index = 0; index < 20; index += 1) secrets.set(`pw${String(index).padStart(10, '0')}`, 'password');
    const text = '{"msg":"x","v":"preAb3_x-9QzLmNpost"} ?token=0123456789abcdef01234567& local-webhook-secret';

    expect(findSecrets('logs', text, secrets)).toEqual([
      { where: 'logs', kind: 'password', occurrences: 1 },
      { where: 'logs', kind: 'url_token', occurrences: 1 },
      { where: 'logs', kind: 'webhook_secret', occurrences: 1 },
    ]);
  });
});
