import { HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { RelayHttpApi } from './http-api';
import { ServiceFunction, type LogSettings } from './service-function';
import { ERASE_ITEMS, grantItems, grantKeyOnlyErasure, grantTableKey, ITEM_PREFIXES } from './table-access';
import { INTERNAL_ROUTES } from '../../shared/http/routes';

export interface InternalUsersProps {
  readonly api: RelayHttpApi;
  readonly table: Table;
  /** Stored sessions: this function may only erase them, never read one. */
  readonly sessionTable: Table;
  readonly dataKey: IKey;
  readonly logging: LogSettings;
}

/**
 * The platform back end registers (PUT) and erases (DELETE) Bridge users, signed with SigV4
 * (IAM authorizer). The function has no access to passwords' key, and on the session table it may
 * only list keys and delete: erasing removes ciphertexts it can never read.
 */
export class InternalUsers extends Construct {
  readonly handler: ServiceFunction;
  readonly routes: readonly HttpRoute[];

  constructor(scope: Construct, id: string, props: InternalUsersProps) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'InternalUsers', {
      name: 'internal-users',
      description: 'Registers and erases Bridge users for the platform back end',
      environment: { TABLE_NAME: props.table.tableName, SESSION_TABLE_NAME: props.sessionTable.tableName },
      ...props.logging,
    });
    const role = this.handler.role;
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.profiles], actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] });
    grantItems(role, { table: props.table, prefixes: [ITEM_PREFIXES.appUser], actions: [...ERASE_ITEMS] });
    grantKeyOnlyErasure(role, props.sessionTable);
    grantTableKey(props.dataKey, role);

    const authorizer = new HttpIamAuthorizer();
    const integration = new HttpLambdaIntegration('InternalUsersIntegration', this.handler.function);
    this.routes = INTERNAL_ROUTES.map((route) => props.api.addRoute({ method: HttpMethod[route.method], path: route.path, integration, authorizer }));
  }

  /** Lets the platform's back-end role call these routes (execute-api:Invoke on them only). */
  grantInvoke(grantee: IGrantable): void {
    for (const route of this.routes) route.grantInvoke(grantee);
  }
}
