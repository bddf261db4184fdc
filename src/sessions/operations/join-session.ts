// A join: the caller's membership, the session and the friend the join names, read in one round trip; for a
// newcomer, what joinability and a password ask established first (a friendship, a checked password); then
// decided by rules/join.ts.
import { ApiError } from '../../errors/api-error.js';
import type { FriendsDirectory } from '../friends.js';
import type { JoinRequest, Player, Session } from '../model/session.js';
import { admissionChecks, decideJoin, joinRestsOn, type AdmissionFacts } from '../rules/join.js';
import type { PasswordTries, SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export type JoinStore = SessionChanges & PasswordTries;

/** What only some joins need, supplied by the caller of the operation. */
export interface JoinContext {
  /** The friends directory, loaded on first need (a join into a friends-only session naming a friend). */
  friends?: () => Promise<FriendsDirectory>;
  /** The caller's own Authorization header: the friends service is asked with it. */
  authorization?: string;
}

export async function joinSession(
  store: JoinStore,
  sessionId: string,
  req: JoinRequest,
  opts: ChangeOptions = {},
  context: JoinContext = {},
): Promise<ChangeOutcome<Player>> {
  const friendUuid = req.friendUuid !== undefined && req.friendUuid !== req.playerUuid ? req.friendUuid : undefined;
  const uuids = friendUuid ? [req.playerUuid, friendUuid] : [req.playerUuid];
  // What one call established stays established across its retries: a retry costs no new try nor a new hash.
  let confirmedFriend: string | undefined;
  let checkedPassword: AdmissionFacts['password'];

  const establish = async (state: JoinState, now: Date): Promise<JoinState> => {
    const checks = admissionChecks(state.session, state.player, req, state.friend);
    if (checks.friend && confirmedFriend !== checks.friend) {
      const directory = context.friends && context.authorization !== undefined ? await context.friends() : undefined;
      if (!directory) throw new ApiError('friends_unavailable', 'no friends directory configured');
      if (await directory.areFriends(req.playerUuid, checks.friend, context.authorization!)) confirmedFriend = checks.friend;
    }
    const session = state.session;
    if (session?.passwordHash && checks.password(confirmedFriend === checks.friend) && checkedPassword?.hash !== session.passwordHash) {
      checkedPassword = { hash: session.passwordHash, matches: await tryPassword(store, session, req, now) };
    }
    return {
      ...state,
      facts: { ...(confirmedFriend ? { friendConfirmed: confirmedFriend } : {}), ...(checkedPassword ? { password: checkedPassword } : {}) },
    };
  };
  const stateOf = ({ session, players }: { session?: Session; players: Map<string, Player> }): JoinState => ({
    session,
    player: players.get(req.playerUuid),
    friend: friendUuid ? players.get(friendUuid) : undefined,
    facts: {},
  });
  return runChange(
    store,
    {
      read: async (now) => establish(stateOf(await store.readSessionAndPlayers(sessionId, uuids, now)), now),
      snapshot: async (now) => establish(stateOf(await store.readSnapshot(sessionId, uuids, now)), now),
      decide: ({ session, player, friend, facts }, now) => decideJoin(session, player, req, now.toISOString(), { friend, facts }),
      // A join into free seats stays flat in players while culls are due (docs/culling.md).
      restsOn: (state, decision) => state.session && joinRestsOn(state.session, state.player, req, decision),
      refresh: (state, session, players) => ({
        ...state,
        session,
        player: players.has(req.playerUuid) ? players.get(req.playerUuid) : state.player,
      }),
    },
    opts,
  );
}

/** One try at the session's password, refused without checking it once the player has used up their tries. */
async function tryPassword(store: PasswordTries, session: Session, req: JoinRequest, now: Date): Promise<boolean> {
  const tried = await store.takePasswordTry(session.sessionId, req.playerUuid, now);
  if (!tried.ok) throw new ApiError('password_attempts_exceeded', undefined, undefined, tried.retryAfterSeconds);
  // The hashing module loads only for a join that gives a password.
  const { verifyPassword } = await import('../../security/password-hash.js');
  const matches = await verifyPassword(req.password!, session.passwordHash!);
  if (matches) await store.forgetPasswordTries(session.sessionId, req.playerUuid);
  return matches;
}

interface JoinState {
  session?: Session;
  player?: Player;
  friend?: Player;
  facts: AdmissionFacts;
}
