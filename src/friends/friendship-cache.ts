// Which pairs of players a container has lately been told are friends. Only positive answers are kept: a player
// who just became a friend must not wait out a remembered "no", whereas a friendship that just ended may take
// effect a few seconds late. Bounded, so a container that sees many players cannot grow without limit.

export class FriendshipCache {
  /** Key -> when it stops counting (ms); Map keeps insertion order, so the first key is the oldest. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  has(playerUuid: string, friendUuid: string, now: number): boolean {
    const key = keyOf(playerUuid, friendUuid);
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (now < until) return true;
    this.until.delete(key);
    return false;
  }

  add(playerUuid: string, friendUuid: string, now: number): void {
    if (this.ttlMs <= 0 || this.capacity <= 0) return;
    const key = keyOf(playerUuid, friendUuid);
    // Re-inserted, so a pair asked again counts as the newest.
    this.until.delete(key);
    while (this.until.size >= this.capacity) this.until.delete(this.until.keys().next().value!);
    this.until.set(key, now + this.ttlMs);
  }
}

// UUIDs are case-insensitive; '/' never occurs in one, so the key is unambiguous.
const keyOf = (playerUuid: string, friendUuid: string) => `${playerUuid.toLowerCase()}/${friendUuid.toLowerCase()}`;
