/**
 * Counts the behaviours each test lane checks: `npm test` (the unit, infra, integration and e2e
 * projects) and `npm run test:slow` (the slow project).
 *
 *   npx tsx test/behaviours.ts
 *
 * A behaviour is one distinct full test title (describe path + test name) in one test file; each
 * row of a `test.each` is its own behaviour. jest collects every test but runs none (a name
 * pattern that matches nothing), so the count takes seconds and the same figures come out on any
 * machine. Fuzz run counts and event counts inside a test are not behaviours: they are not counted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

interface JestJson {
  testResults: { name: string; assertionResults: { fullName: string }[] }[];
}

const root = join(__dirname, '..');
const lanes: Record<string, string[]> = {
  'npm test': ['unit', 'infra', 'integration', 'e2e'],
  'npm run test:slow': ['slow'],
};

const NO_TEST = 'x^ matches no test title';

function collect(projects: string[]): JestJson {
  const dir = mkdtempSync(join(tmpdir(), 'behaviours-'));
  const out = join(dir, 'jest.json');
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/jest/bin/jest.js'),
        '--selectProjects', ...projects,
        '--testNamePattern', NO_TEST,
        '--passWithNoTests', '--silent', '--maxWorkers=2',
        '--json', '--outputFile', out,
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return JSON.parse(readFileSync(out, 'utf8')) as JestJson;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
let total = 0;
for (const [lane, projects] of Object.entries(lanes)) {
  const result = collect(projects);
  const behaviours = new Set<string>();
  let tests = 0;
  for (const file of result.testResults) {
    for (const test of file.assertionResults) {
      tests += 1;
      behaviours.add(`${relative(root, file.name)} :: ${test.fullName}`);
    }
  }
  total += behaviours.size;
  rows.push(`${lane.padEnd(18)} ${String(behaviours.size).padStart(5)} behaviours  ${String(tests).padStart(5)} tests  ${String(result.testResults.length).padStart(3)} files`);
}
console.log(rows.join('\n'));
console.log(`${'both lanes'.padEnd(18)} ${String(total).padStart(5)} behaviours`);
