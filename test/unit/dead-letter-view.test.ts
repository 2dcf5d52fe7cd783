import { matches, toView } from '../../ops/dead-letter-view';
import { formatDeadLetter } from '../../ops/format';

const letter = (body: string, reason?: string) => ({ messageId: 'm1', receiptHandle: 'h', body, ...(reason ? { reason } : {}), correlationId: 'c1', sentAt: 0 });

describe('a dead letter as the operator sees it', () => {
  it('shows who, which company, why and since when, from a guidance event', () => {
    const view = toView(letter(JSON.stringify({ type: 'guidance.health.ready', bridgeUserUuid: 'u-1', companyIdentificationNumber: '529196313', eventKey: 'k' }), 'unknown_user'), 125_000);

    expect(formatDeadLetter(view)).toBe('  unknown_user  age=2m 05s  bridge_user=u-1  company=529196313  correlation_id=c1  id=m1');
  });

  it('never echoes a body: a malformed message with a secret in it shows only ids', () => {
    const body = JSON.stringify({ bridgeUserUuid: 'u-2', password: 'hunter2-secret', url: 'https://bridge.example/s?token=abc', company: 'x y z' });

    const shown = formatDeadLetter(toView(letter(body, 'invalid_message'), 0)) + JSON.stringify(toView(letter(body), 0));

    expect(shown).not.toMatch(/hunter2|token=abc|bridge\.example/);
    expect(shown).toContain('bridge_user=u-2');
    expect(formatDeadLetter(toView(letter('not json at all: secret'), 0))).toBe('  max_receives_exceeded  age=0s  bridge_user=?  company=?  correlation_id=c1  id=m1');
  });

  it('matches a reason exactly or by its prefix before the colon, and an id exactly', () => {
    const exhausted = letter('{}', 'retries_exhausted:bridge_503');

    expect(matches(exhausted, { reason: 'retries_exhausted' })).toBe(true);
    expect(matches(exhausted, { reason: 'retries_exhausted:bridge_503' })).toBe(true);
    expect(matches(exhausted, { reason: 'retries' })).toBe(false);
    expect(matches(letter('{}'), { reason: 'max_receives_exceeded' })).toBe(true);
    expect(matches(exhausted, { id: 'm1' })).toBe(true);
    expect(matches(exhausted, { id: 'm' })).toBe(false);
  });
});
