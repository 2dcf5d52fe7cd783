import { runUsers } from '../../ops/users';
import { startSigV4Server } from '../fixtures/sigv4-verifier';

const UUID = '9a06895a-7a97-48fd-92d5-eaebf4fdf2b1';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'session-token-example' };
const saved = { ...process.env };
let server: Awaited<ReturnType<typeof startSigV4Server>>;

async function users(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsers(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, process.env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  server = await startSigV4Server(CREDENTIALS.AWS_SECRET_ACCESS_KEY);
});
afterAll(() => server.stop());
beforeEach(() => {
  // The SDK's usual credential chain starts with these variables.
  for (const key of ['AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) delete process.env[key];
  Object.assign(process.env, CREDENTIALS);
});
afterEach(() => {
  process.env = { ...saved };
});

describe('npm run users against an IAM-authorised API', () => {
  it('signs a registration with SigV4 that a server recomputing the signature accepts, body and session token included', async () => {
    const { code, out } = await users('put', UUID, '--app-user', 'demo-user-2', '--email', 'me@example.com', '--language', 'fr', '--api-url', server.url, '--region', 'eu-west-1');

    expect(code).toBe(0);
    expect(out).toBe(`Registered ${UUID} as demo-user-2 (200).`);
    const [request] = server.received.slice(-1);
    expect(request).toEqual(expect.objectContaining({ method: 'PUT', path: `/internal/users/${UUID}`, valid: true, accessKeyId: 'AKIDEXAMPLE' }));
    expect(request!.scope).toMatch(/^\d{8}\/eu-west-1\/execute-api\/aws4_request$/);
    expect(request!.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-type']));
    expect(JSON.parse(request!.body)).toEqual({ app_user_id: 'demo-user-2', country_code: 'FR', contact_email: 'me@example.com', language: 'fr' });
  });

  it('signs an erasure, and a request signed with other credentials is refused by the same server', async () => {
    const erased = await users('delete', UUID, '--api-url', server.url, '--region', 'eu-west-1');
    process.env.AWS_SECRET_ACCESS_KEY = 'another-secret';
    const forged = await users('delete', UUID, '--api-url', server.url, '--region', 'eu-west-1');

    expect(erased).toEqual(expect.objectContaining({ code: 0, out: `Erased ${UUID} (204).` }));
    expect(forged.code).toBe(1);
    expect(forged.err).toMatch(/^DELETE refused: 403/);
    expect(server.received.slice(-2).map((request) => request.valid)).toEqual([true, false]);
  });

  it('answers bad usage and a missing target in one sentence', async () => {
    delete process.env.GUIDANCE_RELAY_STACK;
    const noAppUser = await users('put', UUID, '--api-url', server.url);
    const noTarget = await runUsers(['delete', UUID], { out: () => undefined, err: (line) => (message = line) }, { ...process.env, GUIDANCE_RELAY_STACK: '' });

    expect(noAppUser).toEqual(expect.objectContaining({ code: 2, err: expect.stringContaining('--app-user') }));
    expect(noTarget).toBe(1);
    expect(message).toMatch(/^Say which stack: --local/);
  });
});

let message = '';
