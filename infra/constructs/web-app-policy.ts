/**
 * The Content-Security-Policy of the reference web app, one definition for the laptop stack and
 * CloudFront: the app's own script and styles only (no inline script, no eval), calls to
 * `connectSrc` only, no plugins, no base or form targets, never framed.
 */
export function webAppCsp(connectSrc: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${connectSrc.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
