import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTEXT_KEYS } from '../../infra/config';

/** The README's context table is documentation of CONTEXT_KEYS, the one list synth accepts: they must agree. */
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

function documentedContextKeys(): string[] {
  const section = README.slice(README.indexOf('### CDK context'), README.indexOf('### Laptop stack'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`(\w+)`/g)].map((match) => match[1]!));
}

describe("the README's context table", () => {
  it('documents every context key synth accepts', () => {
    expect(documentedContextKeys().sort()).toEqual(expect.arrayContaining([...CONTEXT_KEYS].sort()));
  });

  it('documents no key that synth would refuse', () => {
    const known = new Set<string>(CONTEXT_KEYS);

    expect(documentedContextKeys().filter((key) => !known.has(key))).toEqual([]);
  });
});
