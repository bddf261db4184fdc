// The sessions table, built from the one table definition (src/dynamodb/table-definition.ts) the code, the local
// stack and the tests use. On-demand billing, TTL, KMS encryption, and a NEW_AND_OLD_IMAGES stream read by the
// event pipe (new images: the committed change) and the expiry reaper (old images: the incarnation a TTL deletion
// removed). Every index of SESSIONS_TABLE.indexes is a GSI here, projecting what the definition says; the open-session
// index is not a GSI but items of the main table (pk OPEN#<type>, src/dynamodb/open-sessions.ts).
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { SESSIONS_TABLE } from '../src/dynamodb/table-definition.js';
import { acknowledge } from './nag.js';
import type { StageConfig } from './stage-config.js';

export interface SessionTableProps {
  readonly config: StageConfig;
}

export class SessionTable extends Construct {
  readonly table: Table;
  /** Names of the table's global secondary indexes (from the shared definition). */
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: SessionTableProps) {
    super(scope, id);
    const { config } = props;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: SESSIONS_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: SESSIONS_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: SESSIONS_TABLE.ttlAttribute,
      // The AWS managed key (aws/dynamodb): encrypted with KMS, auditable in CloudTrail, no key to operate.
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: config.pointInTimeRecovery },
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // Both images: the pipe publishes from the new image; a TTL deletion (REMOVE) carries only the old image, and
      // the reaper needs its `inc` to delete that incarnation's players and no one else's. Two readers per shard (the
      // pipe and the reaper's event source mapping): the most DynamoDB Streams advises before reads get throttled.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const index of SESSIONS_TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
    this.indexNames = SESSIONS_TABLE.indexes.map((i) => i.name);

    if (!config.pointInTimeRecovery) {
      acknowledge(
        this.table.node.defaultChild!,
        'AwsSolutions-DDB3',
        `Stage "${config.stageName}" is a throwaway stage whose configuration turns point-in-time recovery off; ` +
          'production stages keep it on (pointInTimeRecovery defaults to true when production is true).',
      );
    }
  }
}
