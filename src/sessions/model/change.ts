// What a decision asks the store to write: one change of one session, written as one conditional
// TransactWriteItems. `guards` are the facts the decision relied on; the store turns them into conditions.
import type { CustomData, PlayerStatus, SessionPermission } from '../../contract/types.js';
import type { ErrorCode } from '../../errors/api-error.js';
import type { CounterKey } from './crossplay.js';
import type { Player, Team } from './session.js';

export type SessionEvent = 'Session Player Joined' | 'Session Player Updated' | 'Session Player Left' | 'Session Updated' | 'Session Deleted';

export type Guard =
  // on a player item
  | { kind: 'playerAbsent'; playerUuid: string }
  | { kind: 'playerRevision'; playerUuid: string; revision: number }
  /**
   * On a player the change does not write: still a leader or member (a friend whose session one joins), and when
   * `holds` is given, still holding that session permission (a member acting on others by delegation).
   */
  | { kind: 'playerActive'; playerUuid: string; holds?: SessionPermission }
  // on the session item
  | { kind: 'joinable' }
  | { kind: 'friendsMayJoin' }
  | { kind: 'noPassword' }
  | { kind: 'noShortCode' }
  | { kind: 'passwordIs'; hash: string }
  | { kind: 'seatFree'; teamId: number }
  | { kind: 'teamFull'; teamId: number }
  | { kind: 'noLeader' }
  | { kind: 'hasLeader' }
  | { kind: 'leaderIs'; playerUuid: string }
  | { kind: 'activeCount'; equals: number }
  | { kind: 'counter'; key: CounterKey; equals: number }
  // on another session's items, checked, not written
  /** A player is still a leader or member of another session, which still lives as the incarnation read. */
  | { kind: 'activeElsewhere'; sessionId: string; incarnation: string; member: string }
  // on a player's presence record, checked, not written
  /** The player's recorded query is no later than `atMost` (epoch ms), or there is none: they are still silent. */
  | { kind: 'presenceBefore'; playerUuid: string; atMost: number };

export type PlayerWrite = { kind: 'put'; player: Player } | { kind: 'delete'; playerUuid: string };

export interface Change {
  event: SessionEvent;
  /** The player the change is about, published with the event. */
  subject?: { playerUuid: string; teamId: number; status: PlayerStatus | 'left' };
  /** Why (a leave's or kick's `reason`), published with the event. */
  reason?: string;
  guards: Guard[];
  players: PlayerWrite[];
  /** team_id -> seats taken (+) or given back (-). */
  seats?: Record<number, number>;
  counters?: Partial<Record<CounterKey, number>>;
  /** Change in the number of leaders and members. */
  active?: number;
  leader?: { set: string } | { remove: true };
  joinable?: boolean;
  friendsMayJoin?: boolean;
  platformJoinable?: boolean;
  /** A new password hash, or null to remove the password. */
  passwordHash?: string | null;
  customData?: CustomData;
  /** The whole new team layout (session update); written under the version condition only. */
  teams?: Team[];
  deleteSession?: boolean;
  /** A short code the session takes (it has none), claimed for it in the same transaction. */
  shortCode?: string;
  /** refresh_ttl false: the session's life is left as it is. */
  keepExpiry?: boolean;
  /** The session's cull floor (Session.nextCullAt) set anew, or removed (null); absent: kept, or set by a join. */
  nextCullAt?: number | null;
}

export type Decision<T> = { kind: 'reject'; code: ErrorCode } | { kind: 'unchanged'; result: T } | { kind: 'write'; change: Change; result: T };
