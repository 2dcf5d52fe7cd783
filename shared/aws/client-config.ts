// Its own module, free of imports: a function that needs no DynamoDB client must not bundle one.
/**
 * Every AWS client of the functions: a connection that hangs fails in seconds and the SDK retries
 * it (3 attempts of at most 3 s), instead of holding the invocation until Lambda's
 * timeout. DynamoDB, KMS, SQS and SNS answer in milliseconds in-region. (This SDK only warns at
 * `requestTimeout` unless `throwOnRequestTimeout` is set.)
 */
export const AWS_CLIENT_CONFIG = { requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true } } as const;
