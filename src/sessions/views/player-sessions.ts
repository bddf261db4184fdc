// The PlayerSessions resource: a player's sessions by type, with pending invites and reservations.
import type { components } from '../../../schemas/generated/types.js';
import type { PlayerMembership } from '../store.js';

type PlayerSessions = components['schemas']['PlayerSessions'];
type PlayerSession = components['schemas']['PlayerSession'];

/** Everything but the timestamp, ordered so that the same memberships always give the same body (and ETag). */
export function toPlayerSessions(memberships: readonly PlayerMembership[]): Required<Pick<PlayerSessions, 'sessions'>> {
  const sessions: Record<string, PlayerSession> = {};
  const sorted = [...memberships].sort((a, b) => a.type.localeCompare(b.type) || a.sessionId.localeCompare(b.sessionId));
  for (const m of sorted) {
    const entry = (sessions[m.type] ??= { type: m.type, session_ids: [], pending_invites: {}, reserved_sessions: [] });
    if (m.status === 'invited')
      entry.pending_invites![m.sessionId] = { session_id: m.sessionId, ...(m.invitedBy ? { inviting_player_uuid: m.invitedBy } : {}) };
    else if (m.status === 'reserved') entry.reserved_sessions!.push(m.sessionId);
    else entry.session_ids!.push(m.sessionId);
  }
  return { sessions };
}
