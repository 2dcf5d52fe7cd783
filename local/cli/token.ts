import { signLocalToken } from '../jwt';

/** `npm run token -- <app_user_id>`: a local bearer token for the reveal API, valid one hour. */
async function main(): Promise<number> {
  const appUserId = process.argv[2];
  if (!appUserId) {
    console.error('Usage: npm run token -- <app_user_id>   (e.g. demo-user)');
    return 1;
  }
  console.log(await signLocalToken(appUserId, process.env.LOCAL_JWT_SECRET || 'local-jwt-secret', 3600));
  return 0;
}

main().then((code) => process.exit(code));
