// The SDK floor of POST .../player/me, for the warm and first-invocation figures: the commands a join issues.
import { BatchGetCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { sdkFloor } from './sdk-floor.js';

export const handler = sdkFloor({ BatchGet: BatchGetCommand, Get: GetCommand, TransactWrite: TransactWriteCommand });
