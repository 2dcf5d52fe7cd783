import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { keys } from '../../shared/adapters/dynamo-keys';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { captureLogs } from '../fixtures/log-capture';
import { localClient, waitFor } from '../fixtures/local-client';

const ANNA = '55555555-5555-4555-8555-555555555555';
const BRUNO = '66666666-6666-4666-8666-666666666666';
const COMPANY = '552100554';

let stack: LocalStack;
let client: ReturnType<typeof localClient>;
const metrics = new RecordingMetrics();

beforeAll(async () => {
  stack = await startLocalStack({ env: { PORT: '0' }, metrics });
  stack.bridge!.knownUsers.add(ANNA).add(BRUNO);
  client = localClient(stack);
  for (const [uuid, appUserId] of [[ANNA, 'anna'], [BRUNO, 'bruno']] as const) {
    expect((await client.registerUser(uuid, { app_user_id: appUserId, country_code: 'FR' })).status).toBe(200);
    expect((await client.sendWebhook(uuid, COMPANY)).status).toBe(200);
  }
  await waitFor(() => stack.outbox.entries.length >= 2);
});
afterAll(() => stack.stop());

const item = async (appUserId: string) =>
  (await stack.db.send(new GetCommand({ TableName: stack.dynamo.sessionTableName, Key: keys.session(appUserId, COMPANY), ConsistentRead: true }))).Item;

describe('the copy attack on the laptop stack, over HTTP and dynalite', () => {
  it('a session item of Anna put into Bruno’s partition never reveals Anna’s password to Bruno, nor bumps her count', async () => {
    const annaToken = await client.token('anna');
    const brunoToken = await client.token('bruno');
    const annas = await client.call('POST', `/guidance/${COMPANY}/reveal`, { token: annaToken });
    expect(annas.status).toBe(200);
    const annasItem = (await item('anna'))!;
    // One PutItem, the attack of the finding: Anna's item, unchanged, under Bruno's key.
    await stack.db.send(new PutCommand({ TableName: stack.dynamo.sessionTableName, Item: { ...annasItem, ...keys.session('bruno', COMPANY) } }));

    const { output, result } = await captureLogs(async () => ({
      listed: await client.call('GET', '/guidance', { token: brunoToken }),
      revealed: await client.call('POST', `/guidance/${COMPANY}/reveal`, { token: brunoToken }),
    }));

    expect(result.listed.text).not.toContain(String(annasItem.url));
    expect(result.revealed.status).toBe(200);
    expect(result.revealed.json!.password).not.toBe(annas.json!.password);
    expect(result.revealed.json!.session_id).not.toBe(annas.json!.session_id);
    expect((await item('bruno'))!.appUserId).toBe('bruno');
    expect(await item('anna')).toEqual(annasItem); // same ciphertext, same reveal count (1)
    expect(annasItem.revealCount).toBe(1);
    expect(metrics.total('SessionKeyMismatch')).toBeGreaterThanOrEqual(1);
    expect(output).toContain('session_key_mismatch');
    expect(output).not.toContain(String(annas.json!.password));
    expect(output).not.toContain(String(annasItem.url));
    // Anna still gets her own password.
    expect((await client.call('POST', `/guidance/${COMPANY}/reveal`, { token: annaToken })).json!.password).toBe(annas.json!.password);
  });
});
