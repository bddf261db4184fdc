// What a decision asks the store to write: one change of one session, written as one conditional
// TransactWriteItems. `guards` are the facts the decision relied on; the store turns them into conditions.
import type { CustomData, PlayerStatus } from '../../contract/types.js';
import type { ErrorCode } from '../../errors/api-error.js';
import type { CounterKey } from './crossplay.js';
import type { Player, Team } from './session.js';

export type SessionEvent = 'Session Player Joined' | 'Session Player Updated' | 'Session Player Left' | 'Session Updated';

export type Guard =
  // on a player item
  | { kind: 'playerAbsent'; playerUuid: string }
  | { kind: 'playerRevision'; playerUuid: string; revision: number }
  // on the session item
  | { kind: 'joinable' }
  | { kind: 'seatFree'; teamId: number }
  | { kind: 'teamFull'; teamId: number }
  | { kind: 'noLeader' }
  | { kind: 'hasLeader' }
  | { kind: 'leaderIs'; playerUuid: string }
  | { kind: 'activeCount'; equals: number }
  | { kind: 'counter'; key: CounterKey; equals: number };

export type PlayerWrite = { kind: 'put'; player: Player } | { kind: 'delete'; playerUuid: string };

export interface Change {
  event: SessionEvent;
  /** The player the change is about, published with the event. */
  subject?: { playerUuid: string; teamId: number; status: PlayerStatus | 'left' };
  guards: Guard[];
  players: PlayerWrite[];
  /** team_id -> seats taken (+) or given back (-). */
  seats?: Record<number, number>;
  counters?: Partial<Record<CounterKey, number>>;
  /** Change in the number of leaders and members. */
  active?: number;
  leader?: { set: string } | { remove: true };
  joinable?: boolean;
  customData?: CustomData;
  /** The whole new team layout (session update); written under the version condition only. */
  teams?: Team[];
  deleteSession?: boolean;
}

export type Decision<T> = { kind: 'reject'; code: ErrorCode } | { kind: 'unchanged'; result: T } | { kind: 'write'; change: Change; result: T };
