// The session store port (src/sessions/store.ts) in memory, for the unit tests of the operations and for the CPU
// benchmark. It keeps the DynamoDB store's semantics (test/integration/store runs the same cases against both):
// reads see only live sessions and their incarnation's players; a commit is atomic and checks, in "version" mode,
// the version read, in "facts" mode every guard of the decision (and whether the session still opens or fills the
// open-session index as decided); a failed session condition hands back the session and the written players whose
// own condition failed, a failed player condition alone asks for a new read.
import type { Change, Guard } from '../../src/sessions/model/change.js';
import { isActive, isOpen, seatsFree, type Player, type Session } from '../../src/sessions/model/session.js';
import {
  DELETED_SESSION_BACKDATE_SECONDS,
  PASSWORD_TRIES,
  type CommitResult,
  type OpenSession,
  type PlayerMembership,
  type SessionStore,
} from '../../src/sessions/store.js';

interface Stored {
  session: Session;
  /** The players of every incarnation the id has had, until they are cleaned up. */
  players: Map<string, { incarnation: string; player: Player }>;
  /** Players' recorded queries (epoch ms), by incarnation, as the presence items hold them. */
  presence: Map<string, { incarnation: string; seen: number }>;
}

const seconds = (now: Date) => Math.floor(now.getTime() / 1000);
// Copies deep enough that neither side can change the other's state (the rules never change what they read);
// cheap, since the CPU benchmark reads through this store on every join.
const copySession = (s: Session): Session => ({
  ...s,
  teams: s.teams.map((t) => ({ ...t })),
  crossplay: { ...s.crossplay },
  customData: { ...s.customData },
});
const copyPlayer = (p: Player): Player => ({ ...p, customData: { ...p.customData } });
const copyOf = (s: Session | undefined) => (s ? copySession(s) : undefined);
const live = (s: Session | undefined, now: Date) => (s && (s.expiresAt === undefined || s.expiresAt > seconds(now)) ? s : undefined);

export class MemoryStore implements SessionStore {
  readonly sessions = new Map<string, Stored>();
  /** type -> open sessions, by their index sort key. */
  readonly open = new Map<string, Map<string, OpenSession>>();
  readonly tickets = new Map<string, { n: number; epoch: string }>();
  /** Every commit attempt, in order, with its outcome: what a test of the operations looks at. */
  readonly commits: { read: Session; change: Change; mode: 'version' | 'facts'; ok: boolean }[] = [];

  private liveStored(sessionId: string, now: Date): Stored | undefined {
    const stored = this.sessions.get(sessionId);
    return live(stored?.session, now) ? stored : undefined;
  }

  private playersOf(stored: Stored): Player[] {
    return [...stored.players.values()].filter((p) => p.incarnation === stored.session.incarnation).map((p) => copyPlayer(p.player));
  }

  async readSession(sessionId: string, now: Date) {
    return copyOf(this.liveStored(sessionId, now)?.session);
  }

  async readSessionAndPlayers(sessionId: string, playerUuids: readonly string[], now: Date) {
    const stored = this.liveStored(sessionId, now);
    const players = new Map<string, Player>();
    if (stored)
      for (const uuid of playerUuids) {
        const p = stored.players.get(uuid);
        if (p && p.incarnation === stored.session.incarnation) players.set(uuid, copyPlayer(p.player));
      }
    return { session: copyOf(stored?.session), players };
  }

  /** Every read here is of one state already. */
  readSnapshot(sessionId: string, playerUuids: readonly string[], now: Date) {
    return this.readSessionAndPlayers(sessionId, playerUuids, now);
  }

  async readSessionWithPlayers(sessionId: string, now: Date) {
    const stored = this.liveStored(sessionId, now);
    return stored
      ? { session: copySession(stored.session), players: this.playersOf(stored), consistent: true, presence: this.presenceOf(stored) }
      : undefined;
  }

  private presenceOf(stored: Stored): Map<string, number> {
    return new Map([...stored.presence].filter(([, p]) => p.incarnation === stored.session.incarnation).map(([uuid, p]) => [uuid, p.seen]));
  }

  async readPresence(session: Session, playerUuids: readonly string[]) {
    const stored = this.sessions.get(session.sessionId);
    const players = new Map<string, Player>();
    const seen = new Map<string, number>();
    for (const uuid of playerUuids) {
      const p = stored?.presence.get(uuid);
      if (p?.incarnation === session.incarnation) seen.set(uuid, p.seen);
      const player = stored?.players.get(uuid);
      if (player?.incarnation === session.incarnation) players.set(uuid, copyPlayer(player.player));
    }
    return { players, seen };
  }

  /** Every presence write, in order: what a test of presence recording looks at. */
  readonly presenceWrites: { sessionId: string; playerUuid: string; at: number }[] = [];

  async recordPresence(session: Session, playerUuid: string, now: Date) {
    this.presenceWrites.push({ sessionId: session.sessionId, playerUuid, at: now.getTime() });
    const stored = this.sessions.get(session.sessionId);
    const recorded = stored?.presence.get(playerUuid);
    // Only ever later, as the DynamoDB store's condition has it (src/dynamodb/presence.ts).
    if (recorded && recorded.incarnation === session.incarnation && recorded.seen >= now.getTime()) return;
    if (stored) stored.presence.set(playerUuid, { incarnation: session.incarnation, seen: now.getTime() });
  }

  async setNextCull(session: Session, nextCullAt: number | undefined) {
    const s = this.sessions.get(session.sessionId)?.session;
    if (!s || s.incarnation !== session.incarnation || s.version !== session.version) return;
    if (nextCullAt === undefined) delete s.nextCullAt;
    else s.nextCullAt = nextCullAt;
  }

  async dropDeadFloor(sessionId: string, now: Date) {
    const s = this.sessions.get(sessionId)?.session;
    if (s && s.nextCullAt !== undefined && s.expiresAt !== undefined && s.expiresAt <= seconds(now)) delete s.nextCullAt;
  }

  async sessionsDueForCull(now: Date, limit: number) {
    return [...this.sessions.values()]
      .filter((s) => s.session.cullAfterSeconds && s.session.nextCullAt !== undefined && s.session.nextCullAt <= now.getTime())
      .sort((a, b) => a.session.nextCullAt! - b.session.nextCullAt!)
      .slice(0, limit)
      .map((s) => s.session.sessionId);
  }

  async commitChange(read: Session, change: Change, mode: 'version' | 'facts', now: Date): Promise<CommitResult> {
    const result = this.tryCommit(read, change, mode, now);
    this.commits.push({ read, change, mode, ok: result.ok });
    return result;
  }

  private tryCommit(read: Session, change: Change, mode: 'version' | 'facts', now: Date): CommitResult {
    if (change.teams && mode !== 'version') throw new Error('a change of the team layout is written under the version condition only');
    const stored = this.sessions.get(read.sessionId);
    const current = stored?.session;
    const sessionHolds =
      current !== undefined &&
      current.incarnation === read.incarnation &&
      live(current, now) !== undefined &&
      (mode === 'version'
        ? current.version === read.version
        : change.guards.every((g) => sessionGuardHolds(current, g)) && openIndexGuardsHold(current, read, change));
    const failedPlayers = new Map<string, Player | undefined>();
    for (const write of change.players) {
      const uuid = write.kind === 'put' ? write.player.playerUuid : write.playerUuid;
      const item = stored?.players.get(uuid);
      const holds = change.guards.every((g) => playerGuardHolds(item, g, uuid, read.incarnation));
      if (!holds)
        failedPlayers.set(
          uuid,
          item && current && item.incarnation === current.incarnation && live(current, now) ? copyPlayer(item.player) : undefined,
        );
    }
    if (!sessionHolds) {
      // DynamoDB hands the item back only when it exists.
      if (!current) return { ok: false, retry: 'reread' };
      return { ok: false, retry: 'decide', session: copyOf(live(current, now)), players: failedPlayers };
    }
    if (failedPlayers.size) return { ok: false, retry: 'reread' };
    // As the DynamoDB store's conditional put of the code: taken by anyone, the change is decided again.
    if (change.shortCode && this.shortCodes.has(change.shortCode)) return { ok: false, retry: 'reread' };
    // As the DynamoDB store's condition checks on players the change does not write.
    const written = new Set(change.players.map((w) => (w.kind === 'put' ? w.player.playerUuid : w.playerUuid)));
    const checked = change.guards.filter((g) => g.kind === 'playerActive' && !written.has(g.playerUuid));
    if (
      !checked.every((g) =>
        playerGuardHolds(
          stored?.players.get((g as { playerUuid: string }).playerUuid),
          g,
          (g as { playerUuid: string }).playerUuid,
          read.incarnation,
        ),
      )
    )
      return { ok: false, retry: 'reread' };
    // As the DynamoDB store's condition checks on another session's items.
    for (const g of change.guards) {
      if (g.kind !== 'activeElsewhere') continue;
      const other = this.sessions.get(g.sessionId);
      const member = other?.players.get(g.member);
      const holds =
        other !== undefined &&
        other.session.incarnation === g.incarnation &&
        live(other.session, now) !== undefined &&
        member?.incarnation === g.incarnation &&
        isActive(member.player.status);
      if (!holds) return { ok: false, retry: 'reread' };
    }
    // As the DynamoDB store's condition checks on the presence of players it culls.
    for (const g of change.guards) {
      if (g.kind !== 'presenceBefore') continue;
      const p = stored!.presence.get(g.playerUuid);
      if (p && p.incarnation === read.incarnation && p.seen > g.atMost) return { ok: false, retry: 'reread' };
    }
    this.apply(stored!, read, change, now);
    return { ok: true };
  }

  private apply(stored: Stored, read: Session, change: Change, now: Date): void {
    const before = stored.session;
    const s = copySession(before);
    s.version++;
    for (const [team, delta] of Object.entries(change.seats ?? {})) s.teams[Number(team)]!.occupied += delta;
    for (const [key, delta] of Object.entries(change.counters ?? {})) s.crossplay[key as keyof Session['crossplay']] += delta ?? 0;
    s.activeCount += change.active ?? 0;
    if (change.leader && 'set' in change.leader) s.leader = change.leader.set;
    if (change.leader && 'remove' in change.leader) delete s.leader;
    if (change.joinable !== undefined) s.joinable = change.joinable;
    if (change.friendsMayJoin !== undefined) s.friendsMayJoin = change.friendsMayJoin;
    if (change.platformJoinable !== undefined) s.platformJoinable = change.platformJoinable;
    if (typeof change.passwordHash === 'string') s.passwordHash = change.passwordHash;
    if (change.passwordHash === null) delete s.passwordHash;
    if (change.shortCode) {
      s.shortCode = change.shortCode;
      this.shortCodes.set(change.shortCode, { sessionId: read.sessionId, incarnation: read.incarnation });
    }
    if (change.deleteSession && before.shortCode) void this.releaseShortCode(before.shortCode, read.sessionId, read.incarnation);
    if (change.customData !== undefined) s.customData = { ...change.customData };
    if (change.teams) s.teams = change.teams.map((t) => ({ ...t }));
    // As the DynamoDB store keeps the cull floor (src/dynamodb/commit.ts).
    if (read.cullAfterSeconds) {
      if (change.deleteSession || change.nextCullAt === null) delete s.nextCullAt;
      else if (change.nextCullAt !== undefined) s.nextCullAt = change.nextCullAt;
      else if ((change.active ?? 0) > 0 && s.nextCullAt === undefined) s.nextCullAt = now.getTime() + read.cullAfterSeconds * 1000;
    }
    if (change.deleteSession) s.expiresAt = seconds(now) - DELETED_SESSION_BACKDATE_SECONDS;
    else if (before.expiresAt !== undefined && !change.keepExpiry) s.expiresAt = seconds(now) + before.ttlSeconds;
    for (const write of change.players) {
      if (write.kind === 'put') stored.players.set(write.player.playerUuid, { incarnation: read.incarnation, player: copyPlayer(write.player) });
      else stored.players.delete(write.playerUuid);
    }
    // As the DynamoDB store does, the index follows what the session read and the change imply.
    const was = read.autoJoin && isOpen(read);
    const after = {
      ...read,
      joinable: change.joinable ?? read.joinable,
      passwordHash: change.passwordHash === undefined ? read.passwordHash : (change.passwordHash ?? undefined),
      teams: change.teams ?? read.teams.map((t, i) => ({ ...t, occupied: t.occupied + (change.seats?.[i] ?? 0) })),
    };
    const is = read.autoJoin && !change.deleteSession && isOpen(after);
    if (was && !is) this.openOf(read.type).delete(openKey(read));
    if (!was && is) this.openOf(read.type).set(openKey(read), { sessionId: read.sessionId, incarnation: read.incarnation, created: read.created });
    stored.session = s;
  }

  async createSession(session: Session, players: readonly Player[], now: Date) {
    const existing = this.sessions.get(session.sessionId);
    if (existing && live(existing.session, now)) return 'taken' as const;
    // As the DynamoDB store does when it takes over an expired id: its short code goes with it.
    if (existing?.session.shortCode) await this.releaseShortCode(existing.session.shortCode, session.sessionId, existing.session.incarnation);
    const stored: Stored = { session: copySession(session), players: existing?.players ?? new Map(), presence: existing?.presence ?? new Map() };
    for (const p of players) stored.players.set(p.playerUuid, { incarnation: session.incarnation, player: copyPlayer(p) });
    this.sessions.set(session.sessionId, stored);
    if (isOpen(session))
      this.openOf(session.type).set(openKey(session), { sessionId: session.sessionId, incarnation: session.incarnation, created: session.created });
    return 'created' as const;
  }

  private openOf(type: string): Map<string, OpenSession> {
    let m = this.open.get(type);
    if (!m) this.open.set(type, (m = new Map()));
    return m;
  }

  async openSessions(type: string, limit: number) {
    return [...this.openOf(type)]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, e]) => ({ ...e }));
  }

  async dropOpenSession(type: string, open: OpenSession) {
    const key = openKey({ created: open.created, sessionId: open.sessionId });
    if (this.openOf(type).get(key)?.incarnation === open.incarnation) this.openOf(type).delete(key);
  }

  async takeTicket(type: string, freshEpoch: string) {
    const t = this.tickets.get(type) ?? { n: 0, epoch: freshEpoch };
    t.n++;
    this.tickets.set(type, t);
    return { n: t.n - 1, epoch: t.epoch };
  }

  async playerMemberships(playerUuid: string, now: Date): Promise<PlayerMembership[]> {
    const found: PlayerMembership[] = [];
    for (const stored of this.sessions.values()) {
      const p = stored.players.get(playerUuid);
      if (!p || !live(stored.session, now) || p.incarnation !== stored.session.incarnation) continue;
      found.push({
        sessionId: stored.session.sessionId,
        type: stored.session.type,
        status: p.player.status,
        ...(p.player.invitedBy ? { invitedBy: p.player.invitedBy } : {}),
      });
    }
    return found;
  }

  async extendExpiry(session: Session, now: Date) {
    const stored = this.sessions.get(session.sessionId);
    if (
      stored &&
      stored.session.incarnation === session.incarnation &&
      stored.session.expiresAt !== undefined &&
      stored.session.expiresAt > seconds(now)
    ) {
      stored.session.expiresAt = seconds(now) + session.ttlSeconds;
    }
  }

  /** Short codes, claimed by a session's incarnation (src/dynamodb/short-codes.ts). */
  readonly shortCodes = new Map<string, { sessionId: string; incarnation: string }>();

  async resolveShortCode(code: string) {
    return this.shortCodes.get(code)?.sessionId;
  }

  async releaseShortCode(code: string, sessionId: string, incarnation: string) {
    const held = this.shortCodes.get(code);
    if (held?.sessionId === sessionId && held.incarnation === incarnation) this.shortCodes.delete(code);
  }

  /** Password tries by `<session_id> <player_uuid>`, as the DynamoDB store counts them (src/dynamodb/password-tries.ts). */
  readonly passwordTries = new Map<string, { n: number; windowEnds: number }>();

  async takePasswordTry(sessionId: string, playerUuid: string, now: Date) {
    const key = `${sessionId} ${playerUuid}`;
    const tries = this.passwordTries.get(key);
    if (!tries || tries.windowEnds <= seconds(now)) {
      this.passwordTries.set(key, { n: 1, windowEnds: seconds(now) + PASSWORD_TRIES.windowSeconds });
      return { ok: true as const };
    }
    if (tries.n >= PASSWORD_TRIES.max) return { ok: false as const, retryAfterSeconds: tries.windowEnds - seconds(now) };
    tries.n++;
    return { ok: true as const };
  }

  async forgetPasswordTries(sessionId: string, playerUuid: string) {
    this.passwordTries.delete(`${sessionId} ${playerUuid}`);
  }

  async deleteOrphanPlayers(sessionId: string, incarnation: string) {
    const stored = this.sessions.get(sessionId);
    for (const [uuid, p] of stored?.players ?? []) if (p.incarnation === incarnation) stored!.players.delete(uuid);
    for (const [uuid, p] of stored?.presence ?? []) if (p.incarnation === incarnation) stored!.presence.delete(uuid);
    return true;
  }
}

const openKey = (s: Pick<Session, 'created' | 'sessionId'>) => `E#${s.created}#${s.sessionId}`;

const team = (s: Session, teamId: number) => s.teams[teamId];

function sessionGuardHolds(s: Session, g: Guard): boolean {
  switch (g.kind) {
    case 'joinable':
      return s.joinable;
    case 'friendsMayJoin':
      return s.friendsMayJoin;
    case 'noPassword':
      return s.passwordHash === undefined;
    case 'noShortCode':
      return s.shortCode === undefined;
    case 'passwordIs':
      return s.passwordHash === g.hash;
    case 'seatFree':
      return team(s, g.teamId) !== undefined && team(s, g.teamId)!.occupied < team(s, g.teamId)!.maxSize;
    case 'teamFull':
      return team(s, g.teamId) !== undefined && team(s, g.teamId)!.occupied >= team(s, g.teamId)!.maxSize;
    case 'noLeader':
      return s.leader === undefined;
    case 'hasLeader':
      return s.leader !== undefined;
    case 'leaderIs':
      return s.leader === g.playerUuid;
    case 'activeCount':
      return s.activeCount === g.equals;
    case 'counter':
      return s.crossplay[g.key] === g.equals;
    default:
      return true;
  }
}

function playerGuardHolds(item: { incarnation: string; player: Player } | undefined, g: Guard, playerUuid: string, incarnation: string): boolean {
  if (!('playerUuid' in g) || g.playerUuid !== playerUuid) return true;
  switch (g.kind) {
    case 'playerAbsent':
      return item === undefined || item.incarnation !== incarnation;
    case 'playerRevision':
      return item !== undefined && item.incarnation === incarnation && item.player.revision === g.revision;
    case 'playerActive':
      return (
        item !== undefined &&
        item.incarnation === incarnation &&
        isActive(item.player.status) &&
        (g.holds === undefined || (item.player.permissions ?? []).includes(g.holds))
      );
    default:
      return true;
  }
}

/** The DynamoDB store's open-index conditions (src/dynamodb/conditions.ts), over the session as it is now. */
function openIndexGuardsHold(current: Session, read: Session, change: Change): boolean {
  if (!read.autoJoin) return true;
  if (current.joinable !== read.joinable) return false;
  if ((current.passwordHash === undefined) !== (read.passwordHash === undefined)) return false;
  if (!read.joinable && change.joinable === undefined) return true;
  const free = seatsFree(read);
  const taken = Object.values(change.seats ?? {}).reduce((n, d) => n + d, 0);
  const before = free > 0;
  const after = free - taken > 0;
  const now = seatsFree(current);
  if (before !== after) return now === free;
  return before ? now > Math.max(0, taken) : now <= Math.min(0, taken);
}
