import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SPEC = readFileSync(join(ROOT, 'openapi.yaml'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every fixed 5xx text the code can answer with: `new AppError('<5xx code>', '<text>'` and `errorResponse(5xx, …, '<text>')`. */
function fixedServerErrorTexts(): { code: string; text: string; file: string }[] {
  const thrown = /new AppError\(\s*'(service_unavailable|upstream_error|queue_unavailable)',\s*'([^']+)'/g;
  const answered = /errorResponse\(\s*5\d\d,\s*'(\w+)',\s*'([^']+)'/g;
  return ['shared', 'functions', 'local'].flatMap((dir) =>
    sourceFiles(join(ROOT, dir)).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return [...source.matchAll(thrown), ...source.matchAll(answered)].map(([, code = '', text = '']) => ({ code, text, file: file.slice(ROOT.length + 1) }));
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
