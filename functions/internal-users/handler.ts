import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { documentClient } from '../../shared/aws/clients';
import { required } from '../../shared/config';
import { logger } from '../../shared/observability';
import { createInternalUsersHandler } from './app';

const tableName = required(process.env, 'TABLE_NAME');
const sessionTableName = required(process.env, 'SESSION_TABLE_NAME');
const db = documentClient();

export const handler = createInternalUsersHandler({
  users: new DynamoUserDirectory(db, tableName),
  store: new DynamoGuidanceStore(db, tableName, sessionTableName),
  logger,
});
