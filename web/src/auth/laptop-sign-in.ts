import type { Authenticator, SignedInPerson } from './authenticator';

/**
 * The laptop stack's sign-in: `POST /_local/sign-in` mints a short local token for one of its demo
 * users. That route exists only in the laptop stack; a deployed app signs in with OpenID Connect.
 */
export function laptopSignIn(apiBaseUrl: string): Authenticator {
  return {
    resume: async () => undefined,
    async signIn(who) {
      if (!who) throw new Error('Choose a demo user to sign in as.');
      const response = await fetch(`${apiBaseUrl}/_local/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_user_id: who }),
        credentials: 'omit',
        cache: 'no-store',
      });
      if (!response.ok) throw new Error(`The laptop sign-in answered ${response.status}.`);
      const { access_token: accessToken } = (await response.json()) as { access_token: string };
      const person: SignedInPerson = { name: who, accessToken };
      return person;
    },
    signOut: async () => undefined,
  };
}
