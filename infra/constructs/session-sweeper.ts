import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EXPIRY_INDEX } from '../../shared/adapters/dynamo-keys';
import { SWEEP_HORIZON_MS } from '../../shared/domain/sweep-expired-sessions';
import { ServiceFunction, type LogSettings } from './service-function';
import { grantItems, grantTableKey, ITEM_PREFIXES } from './table-access';

/** How often the sweeper runs; its look-ahead (SWEEP_HORIZON_MS) is longer, to absorb a late run. */
export const SWEEP_INTERVAL = Duration.minutes(1);

export interface SessionSweeperProps {
  readonly sessionTable: Table;
  /** The tables' key, used only through DynamoDB. */
  readonly dataKey: IKey;
  readonly logging: LogSettings;
}

/**
 * Deletes every stored password within a minute of its expiry: EventBridge runs the sweeper every
 * minute; a run deletes what has expired and waits, inside the run, for what expires before the
 * next run could be late, deleting each at its expiry. Its rights: query the expiry index (no
 * secret is projected there) and delete session items. No KMS key, no other table.
 */
export class SessionSweeper extends Construct {
  readonly handler: ServiceFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: SessionSweeperProps) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'SessionSweeper', {
      name: 'session-sweeper',
      description: 'Deletes stored session passwords at their expiry (every minute, waiting in-run for the next ones)',
      // The look-ahead plus room for the deletes; overlapping runs are harmless (deletes are conditional).
      timeout: Duration.seconds(SWEEP_HORIZON_MS / 1000 + 60),
      environment: { SESSION_TABLE_NAME: props.sessionTable.tableName },
      ...props.logging,
    });
    const role = this.handler.role;
    grantItems(role, { table: props.sessionTable, index: EXPIRY_INDEX, prefixes: [ITEM_PREFIXES.expiryShards], actions: ['dynamodb:Query'] });
    grantItems(role, { table: props.sessionTable, prefixes: [ITEM_PREFIXES.appUser], actions: ['dynamodb:DeleteItem'] });
    grantTableKey(props.dataKey, role);

    this.schedule = new Rule(this, 'EveryMinute', {
      description: 'Runs the session sweeper: stored passwords are deleted within a minute of their expiry',
      schedule: Schedule.rate(SWEEP_INTERVAL),
      targets: [new LambdaFunction(this.handler.function, { retryAttempts: 0 })],
    });
  }
}
