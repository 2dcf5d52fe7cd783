import { parseArgs } from 'node:util';
import { regionOfApiUrl, sigv4Fetch } from './adapters/sigv4-fetch';
import { explain, terminalIo, type OpsIo } from './terminal';
import { locateStack, type TargetFlags } from './target';

export const USERS_USAGE = `Usage: npm run users -- <command> [options] [target]
Commands:
  put <bridge_user_uuid> --app-user <id> [--country FR] [--email <e-mail>] [--phone <E.164>] [--language fr]
                          register who a Bridge user is in your app (the JWT's sub) and how to reach them
  delete <bridge_user_uuid>
                          erase that user: profile, guidance records and any stored password
Target:
  --local [--url <url>] [--token <admin>]   the laptop stack, with its admin token
  --api-url <url> [--region <r>]            a deployed API, signed with SigV4 (AWS credentials from the usual chain)
  --outputs <file> | --stack <name> | env GUIDANCE_RELAY_STACK | ./outputs.json   its ApiUrl output, as for npm run ops`;

const FLAGS = {
  'app-user': { type: 'string' },
  country: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  language: { type: 'string' },
  local: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  'api-url': { type: 'string' },
  stack: { type: 'string' },
  outputs: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** `npm run users`: the platform back end's `/internal/users` calls, for a person or a script. Returns the exit code. */
export async function runUsers(argv: string[], io: OpsIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: FLAGS });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${USERS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, bridgeUserUuid] = positionals;
  if (!command || command === 'help' || values.help) {
    io.out(USERS_USAGE);
    return command || values.help ? 0 : 2;
  }
  if ((command !== 'put' && command !== 'delete') || !bridgeUserUuid) {
    io.err(`Expected \`put <bridge_user_uuid> --app-user <id>\` or \`delete <bridge_user_uuid>\`.\n${USERS_USAGE}`);
    return 2;
  }
  if (command === 'put' && !values['app-user']) {
    io.err('put needs --app-user <id>: the `sub` of the user\'s JWT in your app.');
    return 2;
  }
  const body =
    command === 'put'
      ? JSON.stringify({
          app_user_id: values['app-user'],
          country_code: values.country ?? 'FR',
          ...(values.email ? { contact_email: values.email } : {}),
          ...(values.phone ? { contact_phone_number: values.phone } : {}),
          ...(values.language ? { language: values.language } : {}),
        })
      : undefined;
  const method = command === 'put' ? 'PUT' : 'DELETE';
  try {
    const response = values.local
      ? await localCall(values, env, method, bridgeUserUuid, body)
      : await signedCall(values, env, method, bridgeUserUuid, body);
    if (!response.ok) {
      const text = await response.text();
      io.err(`${method} refused: ${response.status} ${text}`);
      return 1;
    }
    // The answer echoes the contact data; the operator typed it, so only ids and the status are shown.
    await response.arrayBuffer();
    io.out(command === 'put' ? `Registered ${bridgeUserUuid} as ${values['app-user']} (${response.status}).` : `Erased ${bridgeUserUuid} (${response.status}).`);
    return 0;
  } catch (error) {
    io.err(explain(error));
    return 1;
  }
}

const usersPath = (base: string, bridgeUserUuid: string) => new URL(`internal/users/${encodeURIComponent(bridgeUserUuid)}`, base.endsWith('/') ? base : `${base}/`);

async function localCall(values: { url?: string; token?: string }, env: NodeJS.ProcessEnv, method: string, uuid: string, body?: string) {
  const url = usersPath(values.url ?? `http://127.0.0.1:${env.PORT || 3000}`, uuid);
  const token = values.token ?? (env.LOCAL_ADMIN_TOKEN || 'local-admin-token');
  try {
    return await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
    });
  } catch {
    throw new Error(`No laptop stack answers on ${url.origin}: start it with \`npm start\` (or pass --url).`);
  }
}

async function signedCall(values: TargetFlags & { 'api-url'?: string }, env: NodeJS.ProcessEnv, method: 'PUT' | 'DELETE', uuid: string, body?: string) {
  let apiUrl = values['api-url'];
  let region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!apiUrl) {
    const located = await locateStack(values, env);
    apiUrl = located.outputs.ApiUrl;
    if (!apiUrl) throw new Error(`${located.description} has no ApiUrl output: is it a guidance-relay stack?`);
    region ??= located.region;
  }
  const url = usersPath(apiUrl, uuid);
  region = regionOfApiUrl(url) ?? region;
  if (!region) throw new Error('No AWS region to sign for: set AWS_REGION or pass --region.');
  return sigv4Fetch({ method, url, region, ...(body === undefined ? {} : { body }) });
}

if (require.main === module) {
  runUsers(process.argv.slice(2), terminalIo()).then((code) => process.exit(code));
}
