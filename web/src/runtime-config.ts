// Types only (no DOM): the deploy writes this shape too (infra/constructs/web-app.ts).

/** How the app signs a person in: the laptop stack's demo users, or OpenID Connect (code + PKCE). */
export type SignInConfig =
  | { readonly kind: 'laptop'; readonly users: readonly string[] }
  | {
      readonly kind: 'oidc';
      /** The issuer (`authority` for oidc-client-ts). */
      readonly authority: string;
      readonly clientId: string;
      readonly scope: string;
      /** Given when known at deploy (Cognito), so no discovery request is needed. */
      readonly metadata?: {
        readonly issuer: string;
        readonly authorization_endpoint: string;
        readonly token_endpoint: string;
        readonly end_session_endpoint?: string;
      };
    };

/** `config.json`, written beside the app by whoever serves it (the laptop stack, or the deploy). */
export interface RuntimeConfig {
  /** Base URL of the reveal API; empty = the page's own origin. */
  readonly apiUrl: string;
  readonly signIn: SignInConfig;
}
