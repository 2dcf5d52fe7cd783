import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { defaultTemplate } from '../fixtures/default-template';
import { accessMatrix, contextKeyAlias, decide, withEvaluableContextKeys, type AccessMatrix } from './access-matrix/evaluate';
import { checksOf } from './access-matrix/principals-and-checks';
import { renderAccessMatrix } from './access-matrix/render';
import { ACCOUNT } from './access-matrix/resolve-template';
import { ACCESS_MATRIX_DOC } from './access-matrix/write';

/**
 * Who may do what, computed from the synthesized template by an IAM evaluator (see
 * access-matrix/evaluate.ts), against what we intend. Columns: access-matrix/principals-and-checks.ts.
 * Everything not listed for a principal must be denied.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'bridge-webhook role': ['Q1', 'X1'],
  'session-worker role': ['K1', 'G1', 'G3', 'G4', 'G5', 'S1', 'S2', 'S3', 'S4', 'S5', 'Q1', 'Q2', 'T1', 'X2'],
  'reveal-api role': ['K1', 'K4', 'G1', 'G3', 'G4', 'G5', 'S1', 'S2', 'S3', 'S4', 'S5', 'X2'],
  'internal-users role': ['G1', 'G2', 'G3', 'S2', 'S5'],
  'session-sweeper role': ['S4', 'S7'],
  'account administrator (`*` on `*`)': ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'Q1', 'Q2', 'T1', 'X1', 'X2'],
  'deploy role (CDK cfn-exec, `*` on `*`)': ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'Q1', 'Q2', 'T1', 'X1', 'X2'],
};

let matrix: AccessMatrix;

beforeAll(async () => {
  matrix = await accessMatrix(defaultTemplate());
}, 60_000);

const allowedBy = (row: AccessMatrix['rows'][number]) => Object.keys(row.decisions).filter((id) => row.decisions[id] === 'Allow');

describe('the access matrix of the synthesized stack', () => {
  it('allows each principal exactly what it needs, and denies everything else', () => {
    expect(Object.fromEntries(matrix.rows.map((row) => [row.principal, allowedBy(row)]))).toEqual(ALLOWED);
  });

  it('lets nobody but the reveal API decrypt a password, not even an administrator or the deploy role with kms:* on *', () => {
    const decrypters = matrix.rows.filter((row) => row.decisions.K4 === 'Allow').map((row) => row.principal);

    expect(decrypters).toEqual(['reveal-api role']);
  });

  it('lets nobody but the functions touch a session item, and nobody back the session table up, not even an administrator', () => {
    const sessionColumns = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8'];
    const reaching = matrix.rows.filter((row) => sessionColumns.some((id) => row.decisions[id] === 'Allow')).map((row) => row.principal);

    expect(reaching).toEqual(['session-worker role', 'reveal-api role', 'internal-users role', 'session-sweeper role']);
    expect(matrix.rows.filter((row) => row.decisions.S8 === 'Allow')).toEqual([]);
  });

  it('lets nobody use the password key with any other encryption context', () => {
    for (const row of matrix.rows) expect([row.principal, row.decisions.K2, row.decisions.K3, row.decisions.K5, row.decisions.K6]).toEqual([row.principal, 'Deny', 'Deny', 'Deny', 'Deny']);
  });

  it('is the table in docs/access-matrix.md (run `npm run access-matrix` after changing a policy)', () => {
    expect(readFileSync(ACCESS_MATRIX_DOC, 'utf8')).toBe(renderAccessMatrix(matrix));
  });
});

describe('the evaluation itself', () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/Probe`;
  const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/Probe`;
  const requiringSessionId = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key, Condition: { Null: { 'kms:EncryptionContext:session_id': 'false' } } }],
  };
  const probe = { label: 'probe', arn: role, identityPolicies: [{ name: 'probe', policy: requiringSessionId }] };
  const decrypt = (context: Record<string, string>) => ({
    id: 'P',
    label: 'probe',
    action: 'kms:Decrypt',
    resource: key,
    // A KMS key is usable only if its policy says so: here, delegating to the account's IAM policies.
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] },
    context: { 'kms:EncryptionContextKeys': Object.keys(context), ...Object.fromEntries(Object.entries(context).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])) },
  });

  it('would not see a kms:EncryptionContext:<key> condition as written: the evaluator ignores such keys', async () => {
    const response = await runSimulation(
      {
        request: { principal: role, action: 'kms:Decrypt', resource: { resource: key, accountId: ACCOUNT }, contextVariables: { 'kms:EncryptionContext:session_id': 's' } },
        identityPolicies: [{ name: 'probe', policy: requiringSessionId }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );

    expect(response.resultType === 'single' && [response.overallResult, response.result.ignoredContextKeys]).toEqual(['ImplicitlyDenied', ['kms:EncryptionContext:session_id']]);
  });

  it('sees it through the alias: the same statement allows a context with session_id and denies one without', async () => {
    expect(contextKeyAlias('kms:EncryptionContext:session_id')).toBe('aws:RequestTag/kms-encryption-context-session_id');
    expect(JSON.stringify(withEvaluableContextKeys(requiringSessionId))).not.toContain('kms:EncryptionContext:');
    expect(await decide(probe, decrypt({ app_user_id: 'a', session_id: 's' }))).toBe('Allow');
    expect(await decide(probe, decrypt({ app_user_id: 'a' }))).toBe('Deny');
  });

  it('asks every column with context keys the evaluator reads (none ignored)', async () => {
    // decide() throws on an ignored key: one principal over every column proves none is.
    const template = defaultTemplate();
    const administrator = { label: 'a', arn: `arn:aws:iam::${ACCOUNT}:role/A`, identityPolicies: [] };
    for (const check of checksOf(template)) await expect(decide(administrator, check)).resolves.toBe('Deny');
  }, 30_000);
});
