/** Who is signed in, with the access token held in this page's memory only. */
export interface SignedInPerson {
  readonly name: string;
  readonly accessToken: string;
}

/** Signs a person in and out. Tokens live in a variable of this page: a reload signs out. */
export interface Authenticator {
  /** Finishes a sign-in that came back from the identity provider (deployed); undefined when none. */
  resume(): Promise<SignedInPerson | undefined>;
  /** Laptop: signs in as `who` at once. Deployed: leaves the page for the identity provider. */
  signIn(who?: string): Promise<SignedInPerson | undefined>;
  /**
   * Forgets the tokens. `everywhere` (the Sign out button) also ends the identity provider's own
   * session, so the next person at this browser must sign in again; deployed, that leaves the page.
   */
  signOut(options: { everywhere: boolean }): Promise<void>;
}
