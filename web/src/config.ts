import type { RuntimeConfig } from './runtime-config';

export type { RuntimeConfig, SignInConfig } from './runtime-config';

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as RuntimeConfig;
  if (typeof config.apiUrl !== 'string' || !config.signIn) throw new Error('config.json is incomplete');
  return config;
}

/** The API's base URL without a trailing slash, resolved against the page. */
export function apiBaseUrl(config: RuntimeConfig): string {
  return new URL(config.apiUrl || '/', document.baseURI).href.replace(/\/+$/, '');
}
