// Giving and removing a player's intra-session permission (give_ and remove_player_permission_by_uuid): one route
// each, the same read-decide-write; each handler file declares its operation.
import type { OperationDefinition } from '../../schemas/generated/operations.js';
import type { SessionPermission } from '../contract/types.js';
import { sessionCommits } from '../dynamodb/commit.js';
import { presence } from '../dynamodb/presence.js';
import { sessionReads } from '../dynamodb/reads.js';
import { recordChange } from '../observability/metrics.js';
import { changePermission } from '../sessions/operations/session-permissions.js';
import { toSessionPermissions } from '../sessions/views/session-permissions.js';
import { preconditionsOf } from './conditional.js';
import type { RequestValidators } from './middleware/validate-request.js';
import { httpOperation } from './operation.js';
import { json, noContent } from './responses.js';
import { canonicalUuid } from './uuid.js';
import { onSessionsTable } from '../runtime/table.js';

export const permissionOperation = (operation: OperationDefinition, give: boolean, validators: RequestValidators<undefined>) =>
  httpOperation(operation, {
    ...validators,
    store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
    run: async (event, { store, actor, input: { path, query } }) => {
      const target = canonicalUuid(String(path.player_uuid));
      const permission = path.permission as SessionPermission;
      const outcome = await changePermission(
        store,
        String(path.session_id),
        actor,
        target,
        { permission, give },
        {
          ...preconditionsOf(event),
          refreshTtl: query.refresh_ttl !== false,
        },
      );
      recordChange(operation.operationId, outcome);
      return give ? json(200, toSessionPermissions(outcome.result), { etag: outcome.etag }) : noContent(outcome.etag);
    },
  });
