import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { SignInConfig } from '../config';
import type { Authenticator, SignedInPerson } from './authenticator';

type OidcConfig = Extract<SignInConfig, { kind: 'oidc' }>;

/**
 * OpenID Connect authorization code flow with PKCE (oidc-client-ts), for a deployed app.
 *
 * Tokens: kept in `InMemoryWebStorage`, never in Web Storage; a reload means signing in again
 * (silently, if the identity provider's own session is still open).
 * The PKCE state: the code verifier must survive the trip to the identity provider and back, when
 * this page is unloaded, so the state store is `sessionStorage` (this tab only). It holds a random
 * `state` id, the code verifier and the return URL for the seconds of the redirect; oidc-client-ts
 * removes it when the code is exchanged, and the verifier is useless without the one-time code.
 */
export function oidcSignIn(config: OidcConfig): Authenticator {
  const redirectUri = new URL('./', document.baseURI).href;
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: redirectUri,
    post_logout_redirect_uri: redirectUri,
    response_type: 'code',
    scope: config.scope,
    ...(config.metadata ? { metadata: config.metadata } : {}),
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  return {
    async resume() {
      const params = new URLSearchParams(location.search);
      if (!params.has('state')) return undefined;
      if (!params.has('code') && !params.has('error')) {
        // Back from the identity provider's sign-out.
        await manager.signoutRedirectCallback().catch(() => undefined);
        history.replaceState(null, '', location.pathname);
        return undefined;
      }
      try {
        const user = await manager.signinRedirectCallback();
        const name = typeof user.profile.email === 'string' ? user.profile.email : user.profile.sub;
        const person: SignedInPerson = { name, accessToken: user.access_token };
        return person;
      } finally {
        // The one-time code and state never stay in the address bar or the history.
        history.replaceState(null, '', location.pathname);
        await manager.clearStaleState();
      }
    },
    async signIn() {
      await manager.signinRedirect();
      return undefined;
    },
    async signOut({ everywhere }) {
      await manager.removeUser();
      // Cognito's /logout reads `logout_uri`; standard providers read `post_logout_redirect_uri`.
      if (everywhere) await manager.signoutRedirect({ extraQueryParams: { logout_uri: redirectUri } });
    },
  };
}
