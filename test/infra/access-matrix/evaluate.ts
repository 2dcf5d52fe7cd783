import { Template } from 'aws-cdk-lib/assertions';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { buildApp } from '../../../infra/app';
import { checksOf, principalsOf, type Check, type Principal } from './principals-and-checks';
import { ACCOUNT, type CfnJson, type CfnTemplate } from './resolve-template';

/**
 * The access matrix, evaluated by @cloud-copilot/iam-simulate (AGPL-3.0: a devDependency only,
 * imported by tests and this script, never by a function) the way AWS evaluates a same-account
 * request: identity policies, then the resource policy (KMS key policy, queue and topic policies),
 * explicit Deny first.
 */
export type Decision = 'Allow' | 'Deny';

export interface AccessMatrix {
  readonly checks: readonly Pick<Check, 'id' | 'label'>[];
  readonly rows: readonly { readonly principal: string; readonly decisions: Readonly<Record<string, Decision>> }[];
}

/**
 * The evaluator ignores condition keys of the form `kms:EncryptionContext:<key>` (only slash
 * variables such as `aws:RequestTag/<tag>` are matched): a statement naming one would never match.
 * Each is renamed, in every policy and in the request, to an alias the evaluator does read, with
 * the same operator and values: `aws:RequestTag/kms-encryption-context-<key>`.
 */
const COLON_CONTEXT_KEY = /^kms:EncryptionContext:(.+)$/i;
export const contextKeyAlias = (key: string): string => key.replace(COLON_CONTEXT_KEY, 'aws:RequestTag/kms-encryption-context-$1');

export function withEvaluableContextKeys(policy: CfnJson): CfnJson {
  if (Array.isArray(policy)) return policy.map(withEvaluableContextKeys);
  if (policy === null || typeof policy !== 'object') return policy;
  return Object.fromEntries(
    Object.entries(policy).map(([name, value]) => {
      if (name !== 'Condition') return [name, withEvaluableContextKeys(value)];
      const conditions = Object.entries(value as Record<string, Record<string, unknown>>).map(([operator, keys]) => [
        operator,
        Object.fromEntries(Object.entries(keys).map(([key, expected]) => [contextKeyAlias(key), expected])),
      ]);
      return [name, Object.fromEntries(conditions)];
    }),
  );
}

export async function decide(principal: Principal, check: Check): Promise<Decision> {
  const context = Object.fromEntries(Object.entries(check.context).map(([key, value]) => [contextKeyAlias(key), value]));
  const response = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: check.action,
        resource: { resource: check.resource, accountId: ACCOUNT },
        // The evaluator does not derive these from the request: set as AWS would, over TLS.
        contextVariables: { ...context, 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': ACCOUNT, 'aws:SecureTransport': 'true' },
      },
      identityPolicies: principal.identityPolicies.map(({ name, policy }) => ({ name, policy: withEvaluableContextKeys(policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(check.resourcePolicy ? { resourcePolicy: withEvaluableContextKeys(check.resourcePolicy) } : {}),
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`access matrix: ${check.id} for ${principal.label}: ${JSON.stringify(response.errors)}`);
  if (response.resultType !== 'single') throw new Error(`access matrix: ${check.id} is not a single-resource request.`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`access matrix: ${check.id} has context keys the evaluator ignores: ${ignored.join(', ')}.`);
  return response.overallResult === 'Allowed' ? 'Allow' : 'Deny';
}

/** The stack as `npm run synth` makes it (dev context), without bundling the functions. */
export function synthesizedTemplate(): CfnTemplate {
  const { stack } = buildApp({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

export async function accessMatrix(template: CfnTemplate = synthesizedTemplate()): Promise<AccessMatrix> {
  const checks = checksOf(template);
  const rows = [];
  for (const principal of principalsOf(template)) {
    const decisions: Record<string, Decision> = {};
    for (const check of checks) decisions[check.id] = await decide(principal, check);
    rows.push({ principal: principal.label, decisions });
  }
  return { checks: checks.map(({ id, label }) => ({ id, label })), rows };
}
