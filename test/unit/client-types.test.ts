import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const GENERATED = join(ROOT, 'client', 'schema.d.ts');

// The generator the `client:generate` script runs, with the CLI's own header, for every spec text
// on stdin; one process, because the generator is ESM-only and slow to load.
const GENERATOR = `
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const outputs = [];
for (const spec of JSON.parse(input)) outputs.push(COMMENT_HEADER + astToString(await openapiTS(spec, { silent: true })));
process.stdout.write(JSON.stringify(outputs));
`;

/** What `npm run client:generate` would write for each spec text, produced in memory. */
async function regenerate(...specs: string[]): Promise<string[]> {
  const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', GENERATOR], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
  child.child.stdin?.end(JSON.stringify(specs));
  return JSON.parse((await child).stdout) as string[];
}

describe('the generated client types', () => {
  const spec = readFileSync(join(ROOT, 'openapi.yaml'), 'utf8');
  const changedSpec = spec.replace('required: [session_id, url, password, expires_at]', 'required: [session_id, url, password]');
  let fromSpec: string;
  let fromChangedSpec: string;
  beforeAll(async () => {
    [fromSpec = '', fromChangedSpec = ''] = await regenerate(spec, changedSpec);
  });

  it('are exactly what openapi.yaml generates today (run `npm run client:generate` after changing it)', () => {
    expect(fromSpec).toBe(readFileSync(GENERATED, 'utf8'));
  });

  it('are reported stale when a response of openapi.yaml changes without regeneration', () => {
    expect(changedSpec).not.toBe(spec);
    expect(fromChangedSpec).not.toBe(readFileSync(GENERATED, 'utf8'));
  });
});
