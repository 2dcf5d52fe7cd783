import { HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { grantTableItems } from './data';
import type { RelayHttpApi } from './http-api';
import { ServiceFunction, type LogSettings } from './service-function';

export interface InternalUsersProps {
  readonly api: RelayHttpApi;
  readonly table: Table;
  readonly dataKey: IKey;
  readonly logging: LogSettings;
}

/**
 * The platform back end registers (PUT) and erases (DELETE) Bridge users, signed with SigV4
 * (IAM authorizer). The function has no access to passwords' key: erasing deletes ciphertexts.
 */
export class InternalUsers extends Construct {
  readonly handler: ServiceFunction;
  readonly routes: readonly HttpRoute[];

  constructor(scope: Construct, id: string, props: InternalUsersProps) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'InternalUsers', {
      name: 'internal-users',
      description: 'Registers and erases Bridge users for the platform back end',
      environment: { TABLE_NAME: props.table.tableName },
      ...props.logging,
    });
    grantTableItems(props.table, props.dataKey, this.handler.role);

    const authorizer = new HttpIamAuthorizer();
    const integration = new HttpLambdaIntegration('InternalUsersIntegration', this.handler.function);
    const path = '/internal/users/{bridge_user_uuid}';
    this.routes = [HttpMethod.PUT, HttpMethod.DELETE].map((method) => props.api.addRoute({ method, path, integration, authorizer }));
  }

  /** Lets the platform's back-end role call these routes (execute-api:Invoke on them only). */
  grantInvoke(grantee: IGrantable): void {
    for (const route of this.routes) route.grantInvoke(grantee);
  }
}
