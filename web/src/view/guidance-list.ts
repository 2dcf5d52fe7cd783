import type { GuidanceItem } from '../api';
import { readableTime } from '../messages';
import { el } from './dom';

/** The ready guidances as a table: company, ready since, session expiry, and one Reveal button each. */
export function guidanceTable(items: readonly GuidanceItem[], onReveal: (company: string, button: HTMLButtonElement) => void): HTMLElement {
  if (items.length === 0) return el('p', {}, 'No guidance is ready for you yet. You will be notified when one is.');
  const rows = items.map((item) => {
    const company = item.company_identification_number;
    const button = el('button', { type: 'button', 'data-company': company }, 'Reveal link and password', el('span', { class: 'visually-hidden' }, ` for company ${company}`));
    button.addEventListener('click', () => onReveal(company, button));
    const expiry = item.session ? readableTime(item.session.expires_at) : 'None yet: revealing makes one';
    return el('tr', {}, el('th', { scope: 'row' }, company), el('td', {}, readableTime(item.ready_at)), el('td', {}, expiry), el('td', {}, button));
  });
  return el(
    'table',
    {},
    el('caption', { class: 'visually-hidden' }, 'Guidances ready for you'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Company'), el('th', { scope: 'col' }, 'Ready since'), el('th', { scope: 'col' }, 'Session expires'), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')))),
    el('tbody', {}, ...rows),
  );
}
