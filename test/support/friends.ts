// The local friends service for tests, on the jest run's DynamoDB Local (a table of its own per service, so suites
// never see each other's friendships), and players who may use it.
import { randomUUID } from 'node:crypto';
import { GAME_CLIENT_PERMISSIONS } from '../../schemas/generated/operations.js';
import { startFriendsService } from '../../local/friends-service.js';
import { newPlayer, type TestPlayer } from './players.js';

export type TestFriendsService = Awaited<ReturnType<typeof startFriendsService>>;

export const FRIEND_LIST_READ = 'friend:friend_list:read';
export const FRIEND_LIST_WRITE = 'friend:friend_list:write';

/** Starts a friends service on a free port; its `baseUrl` is what FRIENDS_API_URL names. Stop it in afterAll. */
export function startTestFriendsService(): Promise<TestFriendsService> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error("DYNAMODB_ENDPOINT is not set: is jest's globalSetup (test/support/global-setup.ts) running?");
  return startFriendsService({ port: 0, endpoint, tableName: `friends-test-${randomUUID()}` });
}

/**
 * A game client's permissions with the friend list's added. Whether the game client's list has them already is
 * not assumed either way.
 */
export const FRIENDS_PLAYER_PERMISSIONS: readonly string[] = [
  ...GAME_CLIENT_PERMISSIONS,
  ...[FRIEND_LIST_READ, FRIEND_LIST_WRITE].filter((p) => !(GAME_CLIENT_PERMISSIONS as readonly string[]).includes(p)),
];

/** A player whose token may read and change their friend list (and do what a game client does). */
export const newFriendsPlayer = (uuid?: string): TestPlayer => newPlayer(FRIENDS_PLAYER_PERMISSIONS, uuid);

/**
 * Makes `a` and `b` friends over HTTP, as two clients would: `a` adds `b` (a request), then `b` adds `a` (accepted),
 * each with their own token, which must hold friend:friend_list:write (see newFriendsPlayer).
 */
export async function makeFriends(service: TestFriendsService, a: TestPlayer, b: TestPlayer): Promise<void> {
  await addFriend(service, a, b);
  const status = await addFriend(service, b, a);
  if (status !== 'FRIENDS') throw new Error(`makeFriends: after both added each other, ${b.uuid} sees ${status}, not FRIENDS`);
}

async function addFriend(service: TestFriendsService, player: TestPlayer, other: TestPlayer): Promise<string> {
  const res = await fetch(`${service.baseUrl}/friends/v2/player/${player.uuid}/friend/${other.uuid}`, {
    method: 'PUT',
    headers: { authorization: player.auth.authorization },
  });
  const body = (await res.json()) as { status?: string; error_code?: string };
  if (res.status !== 200) {
    const hint = res.status === 403 ? ` (does the token hold ${FRIEND_LIST_WRITE}? see newFriendsPlayer)` : '';
    throw new Error(`makeFriends: PUT as ${player.uuid} answered ${res.status} ${body.error_code ?? ''}${hint}`);
  }
  return body.status ?? '';
}
