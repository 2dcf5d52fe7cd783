import { Aws, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { CfnRoute, HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { ManagedPolicy, PolicyStatement, Role, User } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ContextError } from '../config';
import type { RelayHttpApi } from './http-api';

export interface InternalApiAccessProps {
  readonly api: RelayHttpApi;
  /** The `/internal` routes (IAM-authorised). */
  readonly routes: readonly HttpRoute[];
  /** IAM role or user ARNs of the stack's account (context `internalApiPrincipals`). */
  readonly principalArns: readonly string[];
}

/**
 * Who may call `/internal/users`. HTTP APIs have no resource policy, so the grant is an identity
 * policy: one managed policy allowing `execute-api:Invoke` on exactly the `/internal` routes,
 * attached to the given roles and users. Nothing else of the API is reachable with it.
 */
export class InternalApiAccess extends Construct {
  /** `arn:…:execute-api:<region>:<account>:<api id>/*\/*\/internal/*`: what a policy must allow to call `/internal`. */
  readonly internalRoutesArn: string;
  readonly policy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: InternalApiAccessProps) {
    super(scope, id);
    this.internalRoutesArn = `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${props.api.api.apiId}/*/*/internal/*`;
    if (props.principalArns.length === 0) return;

    const account = Stack.of(this).account;
    const foreign = Token.isUnresolved(account) ? undefined : props.principalArns.find((arn) => arn.split(':')[4] !== account);
    if (foreign) {
      throw new ContextError(
        'internalApiPrincipals',
        `${foreign} is not in this stack's account ${account}: create a role here that the other account may assume, and list that role.`,
      );
    }
    const roles = props.principalArns.filter((arn) => arn.includes(':role/')).map((arn, index) => Role.fromRoleArn(this, `Role${index}`, arn, { mutable: false }));
    const users = props.principalArns.filter((arn) => arn.includes(':user/')).map((arn, index) => User.fromUserArn(this, `User${index}`, arn));
    this.policy = new ManagedPolicy(this, 'InvokePolicy', {
      description: 'guidance-relay: call the /internal/users routes (PUT, DELETE) with SigV4',
      statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: props.routes.map((route) => route.routeArn) })],
      roles,
      users,
    });
    // One finding per route ARN, each acknowledged by name (a new wildcard would still be reported).
    const apiId = Stack.of(this).getLogicalId(props.api.api.node.defaultChild as CfnElement);
    Validations.of(this.policy).acknowledge(
      ...props.routes.map((route) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/*/${iamRouteOf(route)}]`,
        reason:
          'The wildcards are the stage and the {bridge_user_uuid} path parameter of this /internal/users route: the platform back end registers any Bridge user. The ARN names the API, the method and the path.',
      })),
    );
  }
}

/** `PUT /internal/users/{id}` → `PUT/internal/users/*`, as the route's execute-api ARN writes it. */
function iamRouteOf(route: HttpRoute): string {
  const [method, path = ''] = (route.node.defaultChild as CfnRoute).routeKey.split(' ');
  return `${method}${path.replace(/\{[^}]+\}.*/, '*')}`;
}
