/** Context keys read by deployment-config.ts (kept apart so config.ts can list them without an import cycle). */
export const DEPLOYMENT_CONTEXT_KEYS = [
  'region',
  'account',
  'instanceName',
  'notifications',
  'availabilityZoneIds',
  'domainName',
  'certificateArn',
  'hostedZoneId',
  'runbookBaseUrl',
  'userPoolSesEmail',
  'userPoolSesIdentityArn',
  'deletionProtection',
  'secretsExtensionLayerArn',
] as const;
