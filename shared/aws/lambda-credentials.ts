import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stand-in for `@aws-sdk/credential-provider-node` in Lambda bundles only (an esbuild alias in
 * infra/constructs/service-function.ts). Lambda always hands the execution role's credentials to
 * the function in its environment, which is the first link of the SDK's default chain anyway;
 * the rest of that chain (SSO, web identity, IMDS, ini files) adds ~15 KB gzipped and cold-start
 * time that a function can never use.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
export const credentialsWillNeedRefresh = () => false;
export const credentialsTreatedAsExpired = () => false;
