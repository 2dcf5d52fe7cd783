import { startApp } from './app';
import { laptopSignIn } from './auth/laptop-sign-in';
import { oidcSignIn } from './auth/oidc-sign-in';
import { apiBaseUrl, loadRuntimeConfig } from './config';
import { clientGuidanceApi } from './guidance-api-client';

/** Reads `config.json`, then starts the page with the sign-in it names. */
async function main(): Promise<void> {
  const config = await loadRuntimeConfig();
  const baseUrl = apiBaseUrl(config);
  const auth = config.signIn.kind === 'laptop' ? laptopSignIn(baseUrl) : oidcSignIn(config.signIn);
  const app = startApp({ signIn: config.signIn, auth, api: (accessToken) => clientGuidanceApi(baseUrl, accessToken) });
  await app.resume();
}

main().catch(() => {
  const alert = document.getElementById('alert');
  if (alert) alert.textContent = 'The page could not start: its configuration is missing or unreadable.';
});
