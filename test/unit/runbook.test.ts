import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { QUEUE_MOVED_REASON } from '../../ops/dead-letter-view';
import { SECRET_FAILURE_REASONS } from '../../shared/ports/secret-source';

const ROOT = path.join(__dirname, '..', '..');
const runbook = readFileSync(path.join(ROOT, 'docs', 'runbook.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every reason the code can write on a dead letter, read from the code itself. */
function deadLetterReasons(): Set<string> {
  const source = ['shared', 'functions'].flatMap((dir) => sourceFiles(path.join(ROOT, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');
  const reasons = new Set<string>();
  for (const pattern of [
    /PermanentFailure\(\s*'([a-z_]+)'/g,
    /deadLetter\([^,()]+,\s*'([a-z_]+)'/g,
    /return '(bridge_[a-z_]+)';/g,
    /\? '(bridge_[a-z_]+)' : permanentReason/g,
    /action: 'dead_letter', reason: '([a-z_]+)'/g,
  ]) {
    for (const match of source.matchAll(pattern)) reasons.add(match[1]!);
  }
  // Named by the Bridge client for answers it refuses (redirects, credentials, egress addresses), the
  // templated permanent status, the transient failures that ran out of receives, SQS's own move, and
  // an unusable credentials secret (Misconfigured, named by the secret source).
  for (const reason of ['bridge_invalid_response', 'bridge_unauthorized', 'bridge_ip_not_allowed', 'bridge_<status>', 'retries_exhausted:<cause>', QUEUE_MOVED_REASON, SECRET_FAILURE_REASONS.bridgeCredentialsInvalid]) {
    reasons.add(reason);
  }
  return reasons;
}

/** The text of the runbook section whose heading names the reason in backticks. */
function sectionOf(reason: string): string | undefined {
  const sections = runbook.split(/^### /m).slice(1);
  return sections.find((section) => section.split('\n')[0]!.includes(`\`${reason}\``));
}

describe('docs/runbook.md', () => {
  it('finds the reasons the code writes (so a new one cannot slip past this test)', () => {
    expect([...deadLetterReasons()]).toEqual(expect.arrayContaining(['unknown_user', 'invalid_message', 'bridge_rejected_request', 'bridge_unknown_user']));
  });

  it.each([...deadLetterReasons()])('has an entry for dead-letter reason %s: cause, fix, and the command that ends it', (reason) => {
    const section = sectionOf(reason);

    expect(section).toBeDefined();
    expect(section).toMatch(/\*\*Cause\*\*: \S/);
    expect(section).toMatch(/\*\*Fix\*\*: \S/);
    expect(section).toMatch(/\*\*Ends with\*\*: .*`(redrive|discard) --(reason|id) /);
  });

  it('says that a leaked password stays valid at Bridge until it expires', () => {
    expect(runbook).toMatch(/password that leaked stays valid at Bridge until that session expires/);
  });

  it('prints only commands `npm run ops -- help` lists', () => {
    const commands = new Set([...runbook.matchAll(/npm run ops -- ([a-z-]+)/g)].map((match) => match[1]));
    expect([...commands].sort()).toEqual(expect.arrayContaining(['dead-letters', 'discard', 'redrive', 'revoke', 'status']));
    for (const command of commands) expect(['help', 'status', 'dead-letters', 'redrive', 'discard', 'revoke', '<command>']).toContain(command);
  });
});
