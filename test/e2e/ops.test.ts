import { scanEveryTable } from '../../local/dynamo';
import { runOps } from '../../ops/cli';
import { runUsers } from '../../ops/users';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { captureLogs, leakedSecrets } from '../fixtures/log-capture';
import { localClient, waitFor } from '../fixtures/local-client';

const ERIN = '88888888-8888-4888-8888-888888888888';
const FRANK = '99999999-9999-4999-8999-999999999999';
const COMPANY_A = '111111118';
const COMPANY_B = '222222226';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;

async function ops(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps([...argv, '--local', '--url', stack.url, '--token', stack.config.adminToken], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function readyGuidance(user: string, appUserId: string, companies: string[]) {
  stack.bridge!.knownUsers.add(user);
  await client.registerUser(user, { app_user_id: appUserId, country_code: 'FR', contact_email: `${appUserId}@example.com`, contact_phone_number: '+33612345678' });
  const before = stack.outbox.entries.length;
  for (const company of companies) await client.sendWebhook(user, company);
  await waitFor(() => stack.outbox.entries.length >= before + companies.length);
}

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' }, queue: { visibilityTimeoutMs: 200 } });
  client = localClient(stack);
  await readyGuidance(ERIN, 'erin', [COMPANY_A, COMPANY_B]);
  await readyGuidance(FRANK, 'frank', [COMPANY_A]);
});
afterAll(() => stack.stop());

describe('npm run ops -- --local', () => {
  it('reports status: live sessions, queue and dead letters', async () => {
    await stack.queue.drained();
    const { code, out } = await ops('status', '--json');
    const text = await ops('status');

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(expect.objectContaining({ liveSessions: 3, deadLetters: 0, queueDepth: 0 }));
    expect(text.out).toMatch(/^queue depth\s+0\nin flight\s+0\noldest message age\s+-\ndead letters\s+0\nlive sessions\s+3$/);
  });

  it('changes nothing on a dry run, then revokes one user and company, and reveal renews it', async () => {
    const dry = await ops('revoke', '--user', 'erin', '--company', COMPANY_A, '--dry-run');
    expect(dry.out).toContain('1 session(s) in scope (dry run)');
    expect(await stack.store.getSession('erin', COMPANY_A)).toBeDefined();

    const revoked = await ops('revoke', '--user', 'erin', '--company', COMPANY_A);

    expect(revoked.out).toContain('1 session(s) revoked');
    expect(await stack.store.getSession('erin', COMPANY_A)).toBeUndefined();
    expect(await stack.store.getSession('erin', COMPANY_B)).toBeDefined();
    const reveal = await client.call('POST', `/guidance/${COMPANY_A}/reveal`, { token: await client.token('erin') });
    expect(reveal.status).toBe(200);
  });

  it('revokes every stored password with --all --renew, and the worker makes fresh sessions and tells the users', async () => {
    const before = new Map((await stack.store.findSessions('all')).map((s) => [`${s.appUserId}/${s.companyIdentificationNumber}`, s.sessionId]));
    const notifiedBefore = stack.outbox.entries.length;

    const { out } = await ops('revoke', '--all', '--renew', '--yes');
    await stack.queue.drained();

    expect(out).toContain('3 session(s) revoked; 3 renewal(s) queued');
    const after = await stack.store.findSessions('all');
    expect(after).toHaveLength(3);
    for (const session of after) expect(before.get(`${session.appUserId}/${session.companyIdentificationNumber}`)).not.toBe(session.sessionId);
    expect(stack.outbox.entries.length - notifiedBefore).toBe(3);
  });

  it('unknown user: dead-letters names user and company, users put registers them, redrive --reason brings the notification', async () => {
    const ghost = '12121212-1212-4121-8121-121212121212';
    stack.bridge!.knownUsers.add(ghost);
    await client.sendWebhook(ghost, COMPANY_A); // not registered with us: dead-lettered at once
    await waitFor(() => stack.queue.deadLetters.length === 1);
    const deadBody = stack.queue.deadLetters[0]!.body;

    const listed = await ops('dead-letters');
    const redriveWhileUnknown = await ops('redrive', '--reason', 'unknown_user', '--dry-run');
    const registered = await runUsers(['put', ghost, '--app-user', 'ghost', '--country', 'FR', '--local', '--url', stack.url, '--token', stack.config.adminToken], quiet);
    const notifiedBefore = stack.outbox.entries.length;
    const redriven = await ops('redrive', '--reason', 'unknown_user');
    await waitFor(() => stack.outbox.entries.length > notifiedBefore);
    await stack.queue.drained();

    expect(listed.out).toMatch(new RegExp(`^1 dead letter\\(s\\), oldest first:\\n  unknown_user  age=\\d+s  bridge_user=${ghost}  company=${COMPANY_A}  correlation_id=\\S+  id=\\S+$`));
    expect(redriveWhileUnknown.out).toBe('Would move 1 dead letter(s) back to the main queue (dry run).'); // the listing hid nothing
    expect(registered).toBe(0);
    expect(redriven.out).toBe('Moved 1 dead letter(s) back to the main queue.');
    expect(stack.queue.deadLetters).toHaveLength(0);
    expect(stack.outbox.entries.slice(notifiedBefore).map((entry) => entry.message.app_user_id)).toEqual(['ghost']);

    const sessionsAtBridge = stack.bridge!.sessions.length;
    stack.queue.send(deadBody, 'redriven-again');
    await stack.queue.drained();
    expect(stack.bridge!.sessions.length).toBe(sessionsAtBridge);
    expect(stack.outbox.entries.length).toBe(notifiedBefore + 1);
  });

  it('a request Bridge rejects: discard --reason --yes ends it, audited, and status shows 0 dead letters', async () => {
    stack.bridge!.rejectedCompanies.add(COMPANY_B);
    await client.sendWebhook(FRANK, COMPANY_B);
    await waitFor(() => stack.queue.deadLetters.length === 1);

    const listed = await ops('dead-letters', '--reason', 'bridge_rejected_request');
    const refused = await ops('discard', '--reason', 'bridge_rejected_request'); // no terminal to ask on
    const discarded = await ops('discard', '--reason', 'bridge_rejected_request', '--yes');
    const status = await ops('status');

    expect(listed.out).toContain(`bridge_user=${FRANK}  company=${COMPANY_B}`);
    expect(refused).toEqual(expect.objectContaining({ code: 1, err: expect.stringContaining('Pass --yes') }));
    expect(discarded.out).toBe('Discarded 1 dead letter(s).');
    expect(discarded.err).toMatch(/^audit \{.*"action":"discard","filter":\{"reason":"bridge_rejected_request"\},"messageIds":\["[\w-]+"\]\}$/);
    expect(status.out).toMatch(/dead letters\s+0/);
    stack.bridge!.rejectedCompanies.delete(COMPANY_B);
  });

  it('revoke --all refuses without a terminal or --yes, and changes nothing', async () => {
    const before = await stack.store.findSessions('all');

    const refused = await ops('revoke', '--all');

    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Pass --yes');
    expect(await stack.store.findSessions('all')).toEqual(before);
  });

  it('leaves nothing of an erased user in the table, and no contact data or secret in the DLQ, outbox or logs', async () => {
    const grace = '13131313-1313-4131-8131-131313131313';
    const { output } = await captureLogs(async () => {
      await readyGuidance(grace, 'grace', [COMPANY_A, COMPANY_B]);
      const token = await client.token('grace');
      await client.call('POST', `/guidance/${COMPANY_A}/reveal`, { token });
      await ops('revoke', '--user', 'grace', '--company', COMPANY_B);
      expect(await stack.store.findSessions({ appUserId: 'grace' })).toHaveLength(1);
      expect(await runUsers(['delete', grace, '--local', '--url', stack.url, '--token', stack.config.adminToken], quiet)).toBe(0);
    });

    const Items = await scanEveryTable(stack.db, stack.dynamo);
    const table = JSON.stringify(Items);
    expect(table).not.toMatch(/grace|13131313-1313/);
    const elsewhere = JSON.stringify({ dlq: stack.queue.deadLetters, outbox: stack.outbox.entries }) + output;
    expect(leakedSecrets(elsewhere, ['grace@example.com', '+33612345678'])).toEqual([]);
    expect(await stack.store.findSessions({ appUserId: 'grace' })).toEqual([]);
  });

  it('answers the queue routes the ops commands use with 4xx JSON for bad input or a missing token', async () => {
    const tooMany = await client.call('POST', '/_local/ops/queue/receive-dead-letters', { token: client.admin, body: JSON.stringify({ max: 99, visibilityTimeoutSeconds: 0 }) });
    const staleHandle = await client.call('POST', '/_local/ops/queue/delete-dead-letter', { token: client.admin, body: JSON.stringify({ receiptHandle: 'not-a-handle' }) });
    const anonymous = await client.call('POST', '/_local/ops/queue/move-all-dead-letters', { body: '{}' });

    expect([tooMany.status, tooMany.json?.error]).toEqual([400, 'invalid_request']);
    expect([staleHandle.status, staleHandle.json?.error]).toEqual([400, 'invalid_request']);
    expect(anonymous.status).toBe(401);
  });

  it('answers clear errors for bad usage and an absent stack', async () => {
    const noScope = await ops('revoke');
    const unknown = await ops('explode');
    const inherited = await ops('constructor');
    const absent = await runOps(['status', '--local', '--url', 'http://127.0.0.1:9'], { out: () => undefined, err: (line) => (absentMessage = line) });

    const help = await ops('help');
    expect(help.out).toContain('dead-letters [--reason R] [--limit N]');
    expect(noScope).toEqual(expect.objectContaining({ code: 2, err: expect.stringContaining('--user') }));
    expect(unknown).toEqual(expect.objectContaining({ code: 2, err: expect.stringContaining('Unknown command') }));
    expect(inherited).toEqual(expect.objectContaining({ code: 2, err: expect.stringContaining('Unknown command') }));
    expect(absent).toBe(1);
    expect(absentMessage).toContain('npm start');
  });
});

let absentMessage = '';
const quiet = { out: () => undefined, err: () => undefined };
