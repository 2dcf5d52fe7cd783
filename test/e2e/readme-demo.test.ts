import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A newcomer's walk-through: the README's demo and API blocks, run as printed by bash against
 * `npm start` (only the port differs: the stack takes a free one and the blocks are pointed at it).
 */
const ROOT = path.join(__dirname, '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```bash block under the heading `## <title>`. */
function bashBlockUnder(title: string): string {
  const section = README.split(/^## /m).find((part) => part.startsWith(title));
  const block = section?.match(/```bash\n([\s\S]*?)```/);
  if (!block) throw new Error(`README has no bash block under "## ${title}"`);
  return block[1]!;
}

let stack: ChildProcess;
let port: string;

beforeAll(async () => {
  stack = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm, tsx and the stack stop together
  });
  port = await new Promise<string>((resolve, reject) => {
    let seen = '';
    stack.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      const ready = seen.match(/guidance-relay local stack ready on http:\/\/127\.0\.0\.1:(\d+)/);
      if (ready) resolve(ready[1]!);
    });
    stack.stderr!.resume(); // drained, so a full pipe never blocks the stack
    stack.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${seen}`)));
  });
});

afterAll(async () => {
  const exited = new Promise((resolve) => stack.once('exit', resolve));
  process.kill(-stack.pid!, 'SIGTERM');
  await exited;
  stack.stdout!.destroy();
  stack.stderr!.destroy();
});

/** Runs the block's commands in one bash, minus the line that starts the stack, and returns their output. */
async function runAsPrinted(block: string): Promise<string> {
  const script = block
    .split('\n')
    .filter((line) => !line.startsWith('npm start'))
    .join('\n')
    .replaceAll('localhost:3000', `localhost:${port}`);
  // Asynchronous, so that the stack's output keeps being read while the block runs.
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env, PORT: port }, timeout: 60_000 });
  return stdout;
}

describe('the README, followed by a newcomer', () => {
  it('runs the 60-second demo as printed: event accepted, guidance listed, password revealed, notification published', async () => {
    const output = await runAsPrinted(bashBlockUnder('The 60-second demo'));

    expect(output).toContain('{"status":"accepted"}');
    expect(output).toMatch(/"items":\[\{"company_identification_number":"529196313"/);
    expect(output).toMatch(/"password":"[^"]+"/);
    expect(output).toMatch(/"type":"guidance\.ready"/);
  });

  it('runs the reveal API calls as printed, after the demo made a guidance ready', async () => {
    // curl prints bodies without a newline between them: find each answer by its shape.
    const output = await runAsPrinted(bashBlockUnder('Calling the reveal API'));
    const revealed = [...output.matchAll(/\{"session_id":"([^"]+)","url":"[^"]+","password":"[^"]+"/g)].map((match) => match[1]);

    expect(output).toMatch(/^\{"items":\[\{"company_identification_number":"529196313"/);
    // reveal, then (after DELETE, which prints nothing) rotate: two different sessions.
    expect(revealed).toHaveLength(2);
    expect(revealed[0]).not.toBe(revealed[1]);
  });
});
