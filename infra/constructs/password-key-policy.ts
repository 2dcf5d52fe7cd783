import { AnyPrincipal, ArnPrincipal, Effect, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { PASSWORD_CONTEXT_KEYS } from './data';

export interface PasswordKeyUsers {
  /** The only roles that may decrypt a password (the reveal API). */
  readonly decrypters: readonly IRole[];
  /** The only roles that may encrypt one (whoever creates sessions: the worker, the reveal API on renewal and rotation). */
  readonly encrypters: readonly IRole[];
}

/** Every way to use the key on data; administration (policy, rotation, deletion) is not in it. */
export const PASSWORD_KEY_USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] as const;

/**
 * Makes the password key's own policy decide who uses it, whatever IAM policies say elsewhere in
 * the account. CDK's default statement (account root: `kms:*`) stays, so administrators and
 * CloudFormation can still change the policy, rotate or schedule deletion (KMS refuses a policy that
 * would lock its author out; these Deny statements never name an administrative action). On top:
 * - Allow Decrypt to the decrypters and Encrypt to the encrypters, only with the password context;
 * - Deny Decrypt to every other principal, and Encrypt likewise (aws:PrincipalArn: the role, for
 *   any of its sessions) — an administrator with `kms:*` on `*` is refused too;
 * - Deny ReEncrypt* and GenerateDataKey* to everyone: nothing here needs them, and they would move a
 *   password under another key or mint data keys with this one;
 * - Deny Encrypt and Decrypt with any context other than exactly the password context's keys.
 * The Deny statements name only keys IAM evaluates on every request (aws:PrincipalArn,
 * kms:EncryptionContextKeys), so the access-matrix test can evaluate them.
 */
export function reservePasswordKey(key: Key, users: PasswordKeyUsers): void {
  const arns = (roles: readonly IRole[]) => roles.map((role) => role.roleArn);
  const context = {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...PASSWORD_CONTEXT_KEYS] },
    Null: { 'kms:EncryptionContext:session_id': 'false' },
  };
  const statements = [
    new PolicyStatement({
      sid: 'AllowDecryptToTheRevealApiWithThePasswordContext',
      principals: users.decrypters.map((role) => new ArnPrincipal(role.roleArn)),
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: context,
    }),
    new PolicyStatement({
      sid: 'AllowEncryptToSessionCreatorsWithThePasswordContext',
      principals: users.encrypters.map((role) => new ArnPrincipal(role.roleArn)),
      actions: ['kms:Encrypt'],
      resources: ['*'],
      conditions: context,
    }),
    new PolicyStatement({
      sid: 'DenyDecryptToEveryoneElse',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns(users.decrypters) } },
    }),
    new PolicyStatement({
      sid: 'DenyEncryptToEveryoneElse',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Encrypt'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns(users.encrypters) } },
    }),
    new PolicyStatement({
      sid: 'DenyReEncryptAndDataKeysToEveryone',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'DenyAnyOtherEncryptionContext',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringNotEquals': { 'kms:EncryptionContextKeys': [...PASSWORD_CONTEXT_KEYS] } },
    }),
    new PolicyStatement({
      sid: 'DenyUseWithoutEncryptionContext',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { Null: { 'kms:EncryptionContextKeys': 'true' } },
    }),
  ];
  for (const statement of statements) key.addToResourcePolicy(statement);
}
