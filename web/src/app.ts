import type { ApiFailure, ApiOutcome, GuidanceApi, RevealedSession } from './api';
import type { Authenticator, SignedInPerson } from './auth/authenticator';
import type { SignInConfig } from './config';
import { failureMessage } from './messages';
import { byId, el } from './view/dom';
import { guidanceTable } from './view/guidance-list';
import { showRevealPanel } from './view/reveal-panel';

export interface AppDeps {
  readonly signIn: SignInConfig;
  readonly auth: Authenticator;
  /** The reveal API, reading the access token from this page's memory when it calls. */
  readonly api: (accessToken: () => string | undefined) => GuidanceApi;
}

/**
 * The page's one controller. The password lives in one place, `revealed`, and `forgetPassword()`
 * is the only way out of it: at expiry, "I've used it", Hide, rotation, sign-out, an expired
 * sign-in, a 404, and `pagehide` (so the back-forward cache never holds it).
 */
export function startApp(deps: AppDeps): { resume(): Promise<void> } {
  let person: SignedInPerson | undefined;
  let revealed: { company: string; remove: () => void } | undefined;
  const api = deps.api(() => person?.accessToken);
  const alert = byId('alert');
  const status = byId('status');
  const signInSection = byId('sign-in');
  const guidances = byId('guidances');
  const revealSection = byId('reveal');
  const dialog = byId<HTMLDialogElement>('rotate-dialog');

  const say = (text: string) => {
    alert.textContent = '';
    status.textContent = text;
  };
  const warn = (text: string) => {
    status.textContent = '';
    alert.textContent = text;
  };

  function forgetPassword(): void {
    revealed?.remove();
    revealed = undefined;
    if (dialog.open) dialog.close();
  }

  function renderSignedOut(): void {
    forgetPassword();
    person = undefined;
    byId('account').hidden = true;
    guidances.hidden = true;
    byId('guidance-list').replaceChildren();
    signInSection.hidden = false;
    const options = byId('sign-in-options');
    if (deps.signIn.kind === 'laptop') {
      options.replaceChildren(
        el('p', { class: 'hint' }, 'Laptop stack: sign in as one of its demo users. A deployed app signs in with your identity provider.'),
        el('div', { class: 'actions' }, ...deps.signIn.users.map((user) => signInButton(`Sign in as ${user}`, user))),
      );
    } else {
      options.replaceChildren(signInButton('Sign in', undefined));
    }
  }

  function signInButton(text: string, who: string | undefined): HTMLButtonElement {
    const button = el('button', { type: 'button', 'data-user': who }, text);
    button.addEventListener('click', () => {
      button.disabled = true;
      deps.auth.signIn(who).then(
        (signedIn) => signedIn && void enter(signedIn),
        () => warn('Signing in failed. Try again.'),
      ).finally(() => (button.disabled = false));
    });
    return button;
  }

  async function enter(signedIn: SignedInPerson): Promise<void> {
    person = signedIn;
    signInSection.hidden = true;
    byId('account-name').textContent = signedIn.name;
    byId('account').hidden = false;
    guidances.hidden = false;
    say('');
    await loadList();
    byId('guidances-title').focus();
  }

  async function loadList(): Promise<void> {
    const outcome = await api.list();
    if (!outcome.ok) return failed(outcome.failure);
    byId('guidance-list').replaceChildren(guidanceTable(outcome.value, (company, button) => void reveal(company, button)));
  }

  async function busy<T>(button: HTMLButtonElement | null, call: () => Promise<T>): Promise<T> {
    if (button) button.disabled = true;
    try {
      return await call();
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function reveal(company: string, button: HTMLButtonElement): Promise<void> {
    const outcome = await busy(button, () => api.reveal(company));
    if (showSession(company, outcome)) say('');
  }

  function showSession(company: string, outcome: ApiOutcome<RevealedSession>): boolean {
    if (!outcome.ok) {
      failed(outcome.failure);
      return false;
    }
    forgetPassword();
    const remove = showRevealPanel(revealSection, company, outcome.value, outcome.serverClockOffsetMs, {
      onUsed: () => void used(company),
      onSomethingWrong: () => dialog.showModal(),
      onHide: () => hide('The password is hidden. Reveal it again while it is valid.'),
      onExpired: () => hide('The password has expired and was removed from the page. Reveal again to get a new session.'),
    });
    revealed = { company, remove };
    return true;
  }

  function hide(message: string): void {
    forgetPassword();
    say(message);
    byId('guidances-title').focus();
  }

  async function used(company: string): Promise<void> {
    const outcome = await busy(document.querySelector<HTMLButtonElement>('#used'), () => api.deleteSession(company));
    if (!outcome.ok) return failed(outcome.failure);
    hide('Done: the password was deleted. If you need the guidance again, reveal it to get a fresh session.');
    await loadList();
  }

  async function rotate(): Promise<void> {
    const company = revealed?.company;
    if (!company) return;
    const outcome = await busy(byId<HTMLButtonElement>('rotate-confirm'), () => api.rotate(company));
    dialog.close();
    if (showSession(company, outcome)) say('The old link and password no longer work. Here are new ones.');
  }

  function failed(failure: ApiFailure): void {
    if (failure.kind === 'signed_out') {
      void signOut(false);
      return warn(failureMessage(failure));
    }
    if (failure.kind === 'not_found') {
      forgetPassword();
      void loadList();
    }
    warn(failureMessage(failure));
  }

  async function signOut(everywhere: boolean): Promise<void> {
    renderSignedOut();
    await deps.auth.signOut({ everywhere });
  }

  byId('sign-out').addEventListener('click', () => {
    void signOut(true).then(() => say('You are signed out.'));
  });
  byId('refresh').addEventListener('click', () => void loadList());
  byId('rotate-confirm').addEventListener('click', () => void rotate());
  byId('rotate-cancel').addEventListener('click', () => dialog.close());
  // Leaving the page (or entering the back-forward cache) takes the password off it first.
  window.addEventListener('pagehide', forgetPassword);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && person) void loadList();
  });
  renderSignedOut();

  return {
    async resume() {
      try {
        const signedIn = await deps.auth.resume();
        if (signedIn) await enter(signedIn);
      } catch {
        warn('Signing in did not complete. Try again.');
      }
    },
  };
}
