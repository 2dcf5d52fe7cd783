import type { RevealedSession } from '../api';
import { formatRemaining, remainingMs, spokenRemaining } from '../countdown';
import { el } from './dom';

export interface RevealPanelActions {
  onUsed(): void;
  onSomethingWrong(): void;
  onHide(): void;
  onExpired(): void;
}

const COPY_CONFIRMATION_MS = 6000;

/**
 * Shows one session's link and password together in `section`, with a copy button and a countdown
 * to `expires_at` on the server's clock. Returns the function that removes them from the page.
 */
export function showRevealPanel(section: HTMLElement, company: string, session: RevealedSession, clockOffsetMs: number, actions: RevealPanelActions): () => void {
  const link = el('a', { href: session.url, target: '_blank', rel: 'noopener noreferrer', referrerpolicy: 'no-referrer' }, 'Open the guidance at Bridge', el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
  const password = el('code', { id: 'password', class: 'password', translate: 'no' }, session.password);
  const confirmation = el('p', { id: 'copy-confirmation', class: 'confirmation', 'aria-live': 'polite' });
  const copy = el('button', { type: 'button', id: 'copy', class: 'secondary' }, 'Copy the password');
  // Seen as 29:05, heard as "29 minutes 5 seconds" when a screen reader reaches it (a timer is not live).
  const shownTime = el('span', { id: 'countdown', 'aria-hidden': 'true' });
  const spokenTime = el('span', { class: 'visually-hidden' });
  const timer = el('span', { role: 'timer' }, shownTime, spokenTime);
  const title = el('h2', { id: 'reveal-title', tabindex: '-1' }, `Guidance for company ${company}`);

  let confirmationTimer: ReturnType<typeof setTimeout> | undefined;
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(session.password).then(
      () => (confirmation.textContent = 'Password copied to the clipboard.'),
      () => (confirmation.textContent = 'Copying is not allowed here: select the password and copy it.'),
    );
    clearTimeout(confirmationTimer);
    confirmationTimer = setTimeout(() => (confirmation.textContent = ''), COPY_CONFIRMATION_MS);
  });
  const button = (id: string, text: string, className: string, onClick: () => void) => {
    const element = el('button', { type: 'button', id, class: className }, text);
    element.addEventListener('click', onClick);
    return element;
  };

  section.replaceChildren(
    title,
    el('p', { class: 'hint' }, 'Open the link, then type this password when Bridge asks for it. It is shown only on this page and disappears when it expires.'),
    el(
      'dl',
      {},
      el('dt', {}, 'Link'),
      el('dd', {}, link),
      el('dt', {}, 'Password'),
      el('dd', {}, password, copy),
      el('dt', {}, 'Expires in'),
      el('dd', {}, timer),
    ),
    confirmation,
    el(
      'div',
      { class: 'actions' },
      button('used', "I've used it", '', actions.onUsed),
      button('something-wrong', 'Something is wrong', 'danger', actions.onSomethingWrong),
      button('hide', 'Hide', 'secondary', actions.onHide),
    ),
  );
  section.hidden = false;

  const tick = () => {
    const left = remainingMs(session.expires_at, clockOffsetMs, Date.now());
    if (left <= 0) return queueMicrotask(actions.onExpired);
    shownTime.textContent = formatRemaining(left);
    spokenTime.textContent = spokenRemaining(left);
  };
  const interval = setInterval(tick, 250);
  tick();
  title.focus();

  return () => {
    clearInterval(interval);
    clearTimeout(confirmationTimer);
    section.replaceChildren();
    section.hidden = true;
  };
}
