// get_player_in_session and get_players_in_session: a session's players as one state (or, for a busy session read
// in pages that never settled, as read), extending the session's life on the way as get_session_by_id does, and
// as it does, writing the culls due first when the session's cull floor has passed (docs/culling.md).
import { ApiError } from '../../errors/api-error.js';
import { etagOf } from '../model/etag.js';
import type { Player, Session } from '../model/session.js';
import { needsExtension } from '../rules/expiry.js';
import type { SessionChanges, SessionExpiry } from '../store.js';
import { snapshotAfterCulls, wholeAfterCulls } from './cull.js';

const refresh = (store: SessionExpiry, session: Session, refreshTtl: boolean, now: Date) =>
  refreshTtl && needsExtension(session, now) ? store.extendExpiry(session, now) : Promise.resolve();

/** One player with the ETag of the state they were read in (the session and the player item as one snapshot). */
export async function getPlayerInSession(
  store: SessionChanges & SessionExpiry,
  sessionId: string,
  playerUuid: string,
  refreshTtl: boolean,
  now = new Date(),
): Promise<{ player: Player; etag: string; culled: number }> {
  const { session, players, culled } = await snapshotAfterCulls(store, sessionId, [playerUuid], now);
  if (!session) throw new ApiError('session_not_found');
  const player = players.get(playerUuid);
  if (!player) throw new ApiError('player_not_in_session');
  await refresh(store, session, refreshTtl, now);
  return { player, etag: etagOf(session), culled };
}

export interface PlayersPage {
  session: Session;
  /** The page's players, in uuid order. */
  players: Player[];
  /** The next page's cursor; 0 after the last page. */
  next: number;
  /** Whether the page and the session are one state (then the session's ETag names it). */
  consistent: boolean;
  /** Players culled before the read (docs/culling.md). */
  culled: number;
}

/** Players in uuid order, `cursor` being the offset of the page's first one. */
export async function getPlayersPage(
  store: SessionChanges & SessionExpiry,
  sessionId: string,
  page: { cursor: number; pageSize: number },
  refreshTtl: boolean,
  now = new Date(),
): Promise<PlayersPage> {
  const { found, culled } = await wholeAfterCulls(store, sessionId, now);
  if (!found) throw new ApiError('session_not_found');
  await refresh(store, found.session, refreshTtl, now);
  const sorted = [...found.players].sort((a, b) => (a.playerUuid < b.playerUuid ? -1 : a.playerUuid > b.playerUuid ? 1 : 0));
  const end = page.cursor + page.pageSize;
  return {
    session: found.session,
    players: sorted.slice(page.cursor, end),
    next: end < sorted.length ? end : 0,
    consistent: found.consistent,
    culled,
  };
}
