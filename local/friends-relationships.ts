// The friendship between two players as RallyHere Friends v2 describes it, kept as one record per pair and seen
// from either side. Adding is a request until the other side adds too; deleting cancels a request one sent, declines
// one received (the sender then sees it declined, until they delete it as upstream expects clients to), or ends a
// friendship.

/** Upstream's FriendshipStatus, bar NONE: no relationship is answered 404 instead. */
export type FriendshipStatus = 'FRIENDS' | 'FRIEND_REQUEST_SENT' | 'FRIEND_REQUEST_PENDING' | 'FRIEND_REQUEST_DECLINED_BY_OTHER';

export interface Pair {
  state: 'requested' | 'declined' | 'friends';
  /** Who asked, for a request and a declined one. */
  requester?: string;
  /** Each player's notes about the other, by the writer's UUID. */
  notes: Record<string, string>;
  /** Changes on every write: the ETag of either side's view, and the condition of the next write. */
  revision: string;
  lastModifiedOn: string;
}

/** What a write changes; revision and time are the store's. */
export type PairChange = Pick<Pair, 'state' | 'requester' | 'notes'>;

/** `player`'s status towards the other player of the pair; undefined when they have no relationship. */
export function statusOf(pair: Pair | undefined, player: string): FriendshipStatus | undefined {
  if (!pair) return undefined;
  if (pair.state === 'friends') return 'FRIENDS';
  if (pair.state === 'requested') return pair.requester === player ? 'FRIEND_REQUEST_SENT' : 'FRIEND_REQUEST_PENDING';
  // A declined request is still the sender's to see and delete; the one who declined has no relationship left.
  return pair.requester === player ? 'FRIEND_REQUEST_DECLINED_BY_OTHER' : undefined;
}

/** `player` adds the other: a request, or, when the other has asked, a friendship. */
export function afterAdd(pair: Pair | undefined, player: string, notes: string | undefined): PairChange {
  const allNotes = notes === undefined ? { ...pair?.notes } : { ...pair?.notes, [player]: notes };
  if (pair?.state === 'friends') return { state: 'friends', notes: allNotes };
  if (pair?.state === 'requested' && pair.requester !== player) return { state: 'friends', notes: allNotes };
  // Asking again after a decline, either way round, is a new request.
  return { state: 'requested', requester: player, notes: allNotes };
}

/** `player` deletes the relationship; undefined when nothing of it is left. */
export function afterDelete(pair: Pair | undefined, player: string): PairChange | undefined {
  if (!pair) return undefined;
  if (pair.state === 'requested' && pair.requester !== player) {
    const { [player]: _dropped, ...notes } = pair.notes;
    return { state: 'declined', requester: pair.requester, notes };
  }
  // Someone who declined and deletes again changes nothing.
  if (pair.state === 'declined' && pair.requester !== player) return pair;
  return undefined;
}

/** Whether a change leaves the pair as it is (then nothing is written, and the ETag stays). */
export function unchanged(pair: Pair | undefined, next: PairChange | undefined): boolean {
  if (!pair || !next) return !pair && !next;
  const sameNotes = JSON.stringify(Object.entries(pair.notes).sort()) === JSON.stringify(Object.entries(next.notes).sort());
  return pair.state === next.state && pair.requester === next.requester && sameNotes;
}
