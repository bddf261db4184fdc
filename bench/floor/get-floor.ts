// The SDK floor of GET /session/v1/session/{id}, for the warm and first-invocation figures: GetItem for
// If-None-Match, Query for the session and its players, UpdateItem to extend the expiry.
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkFloor } from './sdk-floor.js';

export const handler = sdkFloor({ Get: GetCommand, Query: QueryCommand, Update: UpdateCommand });
