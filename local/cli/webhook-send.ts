import { parseArgs } from 'node:util';
import { signBody } from '../../shared/domain/webhook-signature';
import { GUIDANCE_EVENT_TYPE } from '../../shared/domain/event-types';
import { DEMO_USERS } from '../local-config';

const USAGE = `Usage: npm run webhook:send -- --user <bridge user uuid> --company <siren> [options]
  --url <base url>        local stack (default http://127.0.0.1:$PORT or :3000)
  --secret <secret>       signing secret (default: first of BRIDGE_WEBHOOK_SECRETS, else local-webhook-secret)
  --timestamp <ms>        event time (default: now)
  --stale                 sign an event 4 days old (answered "stale")
  --bad-signature         sign with a wrong secret (answered 401)
  --type <type>           another event type (answered "ignored")`;

/** Signs a guidance event exactly as Bridge does (HMAC-SHA256 of the raw body) and POSTs it. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: DEMO_USERS[0].bridgeUserUuid },
      company: { type: 'string', default: DEMO_USERS[0].company },
      url: { type: 'string' },
      secret: { type: 'string' },
      timestamp: { type: 'string' },
      stale: { type: 'boolean', default: false },
      'bad-signature': { type: 'boolean', default: false },
      type: { type: 'string', default: GUIDANCE_EVENT_TYPE },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const baseUrl = values.url ?? `http://127.0.0.1:${process.env.PORT || 3000}`;
  const secret = values.secret ?? (process.env.BRIDGE_WEBHOOK_SECRETS ?? '').split(',')[0]?.trim() ?? '';
  const timestamp = values.timestamp ? Number(values.timestamp) : values.stale ? Date.now() - 4 * 24 * 3600 * 1000 : Date.now();
  const body = JSON.stringify({
    type: values.type,
    timestamp,
    content: { user_id: values.user, company_identification_number: values.company },
  });
  const signingSecret = values['bad-signature'] ? 'not-the-secret' : secret || 'local-webhook-secret';
  const response = await fetch(new URL('/webhooks/bridge', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'BridgeApi-Signature': `v1=${signBody(body, signingSecret)}` },
    body,
  });
  console.log(`${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`webhook:send failed: ${error instanceof Error ? error.message : String(error)} (is \`npm start\` running?)`);
    process.exit(1);
  },
);
