import { failureOf } from '../../web/src/api';
import { formatRemaining, remainingMs, spokenRemaining } from '../../web/src/countdown';
import { failureMessage } from '../../web/src/messages';

describe('the web app countdown', () => {
  const expiresAt = '2026-12-02T10:30:00.000Z';
  const deviceNow = Date.parse('2026-12-02T11:00:00.000Z'); // the device is an hour fast

  it('counts on the server clock, so a fast device still shows the time left', () => {
    const serverMinusDevice = -3_600_000 + 60_000; // the server says 10:01

    expect(remainingMs(expiresAt, serverMinusDevice, deviceNow)).toBe(29 * 60_000);
    expect(remainingMs(expiresAt, 0, deviceNow)).toBeLessThan(0); // the device clock alone would hide it at once
  });

  it('shows minutes and seconds, rounds up, and never goes below zero', () => {
    expect(formatRemaining(29 * 60_000 + 5_000)).toBe('29:05');
    expect(formatRemaining(8_001)).toBe('0:09');
    expect(formatRemaining(-5_000)).toBe('0:00');
    expect(spokenRemaining(61_000)).toBe('1 minute 1 second');
    expect(spokenRemaining(9_000)).toBe('9 seconds');
  });
});

describe('the web app messages', () => {
  it('names each failure of the typed client the way a person understands it', () => {
    const message = (code: string, status: number, retryAfterSeconds?: number) =>
      failureMessage(failureOf({ code: code as never, status, retryAfterSeconds }));

    expect(message('unauthorized', 401)).toMatch(/sign-in has expired/);
    expect(message('not_found', 404)).toMatch(/no longer available/);
    expect(message('rate_limited', 429, 1)).toBe('Too many requests. Try again in 1 second.');
    expect(message('rate_limited', 429, 90)).toBe('Too many requests. Try again in 2 minutes.');
    expect(message('rate_limited', 429)).toBe('Too many requests. Try again in a moment.');
    expect(message('upstream_error', 502)).toMatch(/Bridge refused/);
    expect(message('service_unavailable', 503, 30)).toMatch(/temporarily unavailable\. Try again in 30 seconds/);
    expect(message('network_error', 0)).toMatch(/could not be reached/);
    expect(message('internal_error', 500)).toMatch(/error 500/);
  });
});
