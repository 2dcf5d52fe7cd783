import type { Server, ServerResponse } from 'node:http';
import type { BridgeSimulator } from '../bridge-simulator';
import type { LocalConfig } from '../local-config';

export type SecretKind = 'password' | 'url_token' | 'webhook_secret' | 'client_secret' | 'admin_token' | 'jwt_secret';

/** Every password and URL token the Bridge simulator handed out, read off its answers as they leave. */
export class IssuedSecrets {
  readonly passwords = new Set<string>();
  readonly urlTokens = new Set<string>();
  answers = 0;

  /**
   * The simulator does not keep what it issued, so its server is tapped: our listener runs
   * before the simulator's and sees the body it ends the response with.
   */
  static tap(bridge: BridgeSimulator): IssuedSecrets {
    const server: unknown = Reflect.get(bridge, 'server');
    if (!server || typeof (server as Server).prependListener !== 'function') {
      throw new Error('Cannot tap the Bridge simulator: its HTTP server is not where the chaos run expects it.');
    }
    const issued = new IssuedSecrets();
    (server as Server).prependListener('request', (_request, response: ServerResponse) => {
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        if (typeof args[0] === 'string' || Buffer.isBuffer(args[0])) issued.record(String(args[0]));
        return end(...args);
      }) as typeof response.end;
    });
    return issued;
  }

  private record(body: string): void {
    try {
      const { url, password } = JSON.parse(body) as { url?: unknown; password?: unknown };
      if (typeof password !== 'string' || typeof url !== 'string') return;
      this.answers += 1;
      this.passwords.add(password);
      const token = new URL(url).searchParams.get('token');
      if (token) this.urlTokens.add(token);
    } catch {
      // not a session answer
    }
  }
}

/** The secrets to look for, by kind: issued passwords and URL tokens, and the stack's own. */
export function secretsToFind(issued: IssuedSecrets, config: LocalConfig): Map<string, SecretKind> {
  const secrets = new Map<string, SecretKind>();
  for (const password of issued.passwords) secrets.set(password, 'password');
  for (const token of issued.urlTokens) secrets.set(token, 'url_token');
  for (const secret of config.webhookSecrets) secrets.set(secret, 'webhook_secret');
  secrets.set(config.bridgeClientSecret, 'client_secret');
  secrets.set(config.adminToken, 'admin_token');
  secrets.set(config.jwtSecret, 'jwt_secret');
  return secrets;
}

export interface SecretFinding {
  readonly where: string;
  readonly kind: SecretKind;
  readonly occurrences: number;
}

/**
 * Every occurrence of any secret in `text`. Thousands of secrets over megabytes of logs: few
 * secrets of a length are searched with indexOf; many (passwords, tokens) with one pass over the
 * runs of their alphabet, looking each window up in a set.
 */
export function findSecrets(where: string, text: string, secrets: ReadonlyMap<string, SecretKind>): SecretFinding[] {
  const byLength = new Map<number, string[]>();
  for (const secret of secrets.keys()) {
    if (secret.length > 0) byLength.set(secret.length, [...(byLength.get(secret.length) ?? []), secret]);
  }
  const counts = new Map<SecretKind, number>();
  const found = (secret: string) => {
    const kind = secrets.get(secret)!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  };
  for (const [length, candidates] of byLength) {
    if (candidates.length <= FEW_SECRETS) {
      for (const secret of candidates) for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) found(secret);
    } else {
      scanWindows(text, length, new Set(candidates), found);
    }
  }
  return [...counts].map(([kind, occurrences]) => ({ where, kind, occurrences }));
}

const FEW_SECRETS = 8;

function scanWindows(text: string, length: number, candidates: Set<string>, found: (secret: string) => void): void {
  const alphabet = new Set<number>();
  for (const secret of candidates) for (let index = 0; index < secret.length; index += 1) alphabet.add(secret.charCodeAt(index));
  let runStart = 0;
  for (let index = 0; index <= text.length; index += 1) {
    if (index < text.length && alphabet.has(text.charCodeAt(index))) continue;
    for (let at = runStart; at + length <= index; at += 1) {
      const window = text.slice(at, at + length);
      if (candidates.has(window)) found(window);
    }
    runStart = index + 1;
  }
}
