// The local friends service's storage: one item per pair on DynamoDB Local. Every change reads the pair and writes
// only if nobody wrote it in between (a condition on its revision), so two players adding each other at the same
// moment become friends rather than leaving two requests that overwrote each other.
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FriendsError } from './friends-errors.js';
import { unchanged, type Pair, type PairChange } from './friends-relationships.js';
import { PAIR_KEY } from './friends-table.js';

/** Writes raced by another writer are read and decided again, this many times in all, before answering 409. */
const MAX_ATTEMPTS = 8;

interface PairItem {
  [PAIR_KEY]: string;
  state: Pair['state'];
  requester?: string;
  notes: Record<string, string>;
  revision: string;
  last_modified_on: string;
}

export class FriendsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(a: string, b: string): Promise<Pair | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { [PAIR_KEY]: pairKey(a, b) }, ConsistentRead: true }));
    if (!Item) return undefined;
    const item = Item as PairItem;
    return {
      state: item.state,
      ...(item.requester ? { requester: item.requester } : {}),
      notes: item.notes ?? {},
      revision: item.revision,
      lastModifiedOn: item.last_modified_on,
    };
  }

  /**
   * Reads the pair, asks `decide` what it becomes (undefined: nothing; `decide` may throw to refuse), and writes
   * that unless it is what is there already. Resolves to the pair as it now is.
   */
  async change(a: string, b: string, decide: (pair: Pair | undefined) => PairChange | undefined): Promise<Pair | undefined> {
    for (let attempt = 1; ; attempt++) {
      const pair = await this.read(a, b);
      const next = decide(pair);
      if (unchanged(pair, next)) return pair;
      try {
        return await this.write(pairKey(a, b), pair, next);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new FriendsError('relationship_conflict');
      }
    }
  }

  private async write(key: string, pair: Pair | undefined, next: PairChange | undefined): Promise<Pair | undefined> {
    const condition = pair
      ? { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': pair.revision } }
      : { ConditionExpression: `attribute_not_exists(${PAIR_KEY})` };
    if (!next) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { [PAIR_KEY]: key }, ...condition }));
      return undefined;
    }
    const written: Pair = {
      state: next.state,
      ...(next.state !== 'friends' && next.requester ? { requester: next.requester } : {}),
      notes: next.notes,
      revision: randomBytes(9).toString('base64url'),
      lastModifiedOn: new Date().toISOString(),
    };
    const item: PairItem = {
      [PAIR_KEY]: key,
      state: written.state,
      ...(written.requester ? { requester: written.requester } : {}),
      notes: written.notes,
      revision: written.revision,
      last_modified_on: written.lastModifiedOn,
    };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    return written;
  }
}

const pairKey = (a: string, b: string) => [a, b].sort().join('|');
