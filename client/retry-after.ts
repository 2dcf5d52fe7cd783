/**
 * `Retry-After` in whole seconds, from delta-seconds or an HTTP date (read against the server's
 * `Date` when present, so the device clock does not matter). Undefined when absent or unreadable.
 */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const serverNow = Date.parse(headers.get('date') ?? '');
  const now = Number.isNaN(serverNow) ? Date.now() : serverNow;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
