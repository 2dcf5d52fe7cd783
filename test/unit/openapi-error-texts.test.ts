import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { revealErrors } from '../../functions/reveal-api/http-errors';
import { DomainError } from '../../shared/domain/errors';

const ROOT = join(__dirname, '..', '..');
const SPEC = readFileSync(join(ROOT, 'openapi.yaml'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// A use case's `unavailable` reaches the caller under the code the reveal API maps it to, with its own text.
const UNAVAILABLE_CODE = revealErrors(new DomainError('unavailable', 'x'))?.code ?? 'unmapped';

/**
 * Every fixed 5xx text the code can answer with: `new HttpError('<5xx code>', '<text>'`,
 * `errorResponse(5xx, …, '<text>')`, and the texts of the domain's `unavailable` errors.
 */
function fixedServerErrorTexts(): { code: string; text: string; file: string }[] {
  const thrown = /new HttpError\(\s*'(service_unavailable|upstream_error|queue_unavailable)',\s*'([^']+)'/g;
  const answered = /errorResponse\(\s*5\d\d,\s*'(\w+)',\s*'([^']+)'/g;
  const unavailable = /new DomainError\(\s*'(unavailable)',\s*'([^']+)'/g;
  return ['shared', 'functions', 'local'].flatMap((dir) =>
    sourceFiles(join(ROOT, dir)).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const found = [...source.matchAll(thrown), ...source.matchAll(answered)].map(([, code = '', text = '']) => ({ code, text }));
      const domain = [...source.matchAll(unavailable)].map(([, , text = '']) => ({ code: UNAVAILABLE_CODE, text }));
      return [...found, ...domain].map((entry) => ({ ...entry, file: file.slice(ROOT.length + 1) }));
    }),
  );
}

describe('the 5xx texts of openapi.yaml', () => {
  it('list every fixed text the service answers a 5xx with, under its code', () => {
    const texts = fixedServerErrorTexts();
    const undocumented = texts.filter(({ code, text }) => !new RegExp(`error: ${code}\\n\\s+message: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`).test(SPEC));

    expect(texts.length).toBeGreaterThanOrEqual(6);
    expect(undocumented).toEqual([]);
  });
});
