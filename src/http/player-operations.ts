// The operations on another player of a session: update_session_player_by_uuid_v2 and the deprecated
// update_session_player_by_uuid (which RallyHere's Unreal SDK calls), the v2 invite, promote, move and update,
// kick_player_from_session_by_uuid_v2 and kick_player_from_session_by_uuid. The same rules behind every body; each
// handler file declares its operations.
import type { OperationDefinition } from '../../schemas/generated/operations.js';
import type { components } from '../../schemas/generated/types.js';
import { sessionCleanup } from '../dynamodb/cleanup.js';
import { sessionCommits } from '../dynamodb/commit.js';
import { presence } from '../dynamodb/presence.js';
import { sessionReads } from '../dynamodb/reads.js';
import { recordChange } from '../observability/metrics.js';
import { removePlayer } from '../sessions/operations/remove-player.js';
import { updatePlayer } from '../sessions/operations/update-player.js';
import type { PlayerUpdate } from '../sessions/rules/player.js';
import { toUpdateResponse } from '../sessions/views/player-update.js';
import { preconditionsOf } from './conditional.js';
import { presenceOfCaller } from './presence.js';
import type { RequestValidators } from './middleware/validate-request.js';
import { httpOperation } from './operation.js';
import { json, noContent } from './responses.js';
import { canonicalUuid } from './uuid.js';
import { onSessionsTable } from '../runtime/table.js';

type PlayerUpdateRequest = components['schemas']['SessionPlayerUpdateRequest'];

/** An operation that changes one player of a session: its body read as the change the player rules decide on. */
export const playerChangeOperation = <B>(operation: OperationDefinition, validators: RequestValidators<B>, toUpdate: (body: B) => PlayerUpdate) =>
  httpOperation(operation, {
    ...validators,
    store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
    run: async (event, { store, actor, input: { path, query, body } }) => {
      const outcome = await updatePlayer(store, String(path.session_id), actor, canonicalUuid(String(path.player_uuid)), toUpdate(body), {
        ...preconditionsOf(event),
        refreshTtl: query.refresh_ttl !== false,
        ...presenceOfCaller(actor, query.refresh_ttl !== false),
      });
      recordChange(operation.operationId, outcome);
      return json(200, toUpdateResponse(outcome.result), { etag: outcome.etag });
    },
  });

export const updatePlayerOperation = (operation: OperationDefinition, validators: RequestValidators<PlayerUpdateRequest>) =>
  playerChangeOperation(operation, validators, (body) => ({
    status: body.status,
    teamId: body.team_id,
    ...(body.custom_data ? { customData: { ...body.custom_data } } : {}),
    overflowAction: body.overflow_action,
  }));

export const kickPlayerOperation = (operation: OperationDefinition, validators: RequestValidators<undefined>) =>
  httpOperation(operation, {
    ...validators,
    store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table), ...sessionCleanup(table) })),
    run: async (event, { store, actor, input: { path, query } }) => {
      const target = canonicalUuid(String(path.player_uuid));
      const options = { ...preconditionsOf(event), refreshTtl: query.refresh_ttl !== false };
      const outcome = await removePlayer(store, String(path.session_id), actor, target, options, query.reason as string | undefined);
      recordChange(operation.operationId, outcome);
      return noContent(outcome.etag);
    },
  });
