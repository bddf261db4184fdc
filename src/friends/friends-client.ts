// The friends directory over HTTP: RallyHere Friends' get_friend_relationship_v2, asked with the caller's own
// token. Loaded lazily on the join path, hence Node's own fetch and nothing heavier.
import type { FriendsConfig } from '../config/config.js';
import { ApiError } from '../errors/api-error.js';
import type { FriendsDirectory } from '../sessions/friends.js';
import { FriendshipCache } from './friendship-cache.js';

/** Upstream's FriendshipStatus for two players who are friends; every other status means not (yet). */
const FRIENDS_STATUS = 'FRIENDS';
const CACHE_CAPACITY = 10_000;

export function createFriendsClient(config: FriendsConfig, options: { now?: () => number } = {}): FriendsDirectory {
  const now = options.now ?? Date.now;
  const cache = new FriendshipCache(CACHE_CAPACITY, config.cacheSeconds * 1000);
  return {
    async areFriends(playerUuid, friendUuid, authorization) {
      if (cache.has(playerUuid, friendUuid, now())) return true;
      const friends = await askFriendship(config, playerUuid, friendUuid, authorization);
      if (friends) cache.add(playerUuid, friendUuid, now());
      return friends;
    },
  };
}

async function askFriendship(config: FriendsConfig, playerUuid: string, friendUuid: string, authorization: string): Promise<boolean> {
  if (!config.apiUrl) throw new ApiError('friends_unavailable', 'FRIENDS_API_URL is not set');
  const path = `/friends/v2/player/${encodeURIComponent(playerUuid)}/friend/${encodeURIComponent(friendUuid)}`;
  // Details name the path, never the token.
  const unavailable = (why: string) => new ApiError('friends_unavailable', `GET ${path}: ${why}`);
  try {
    const response = await fetch(`${config.apiUrl}${path}`, {
      headers: { authorization, accept: 'application/json' },
      // A redirect is an answer this client does not expect, not one to follow with the caller's token.
      redirect: 'manual',
      // Bounds the body as well as the headers.
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      // No relationship, or the service refusing the caller's token: the caller is not shown to be a friend.
      if (response.status === 404 || response.status === 401 || response.status === 403) return false;
      throw unavailable(`status ${response.status}`);
    }
    const text = await response.text();
    let relationship: unknown;
    try {
      relationship = JSON.parse(text);
    } catch {
      throw unavailable('the body is not JSON');
    }
    const status = (relationship as { status?: unknown } | null)?.status;
    if (typeof status !== 'string') throw unavailable('the body is not a FriendRelationship (no string status)');
    return status === FRIENDS_STATUS;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if ((error as Error)?.name === 'TimeoutError') throw unavailable(`no answer within ${config.timeoutMs} ms`);
    const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
    const why = `${String((error as Error)?.message ?? error)}${cause ? ` (${String(cause.code ?? cause.message)})` : ''}`;
    // fetch quotes a header value it refuses (a token with a line break in it, say).
    throw unavailable(redact(why, authorization));
  }
}

function redact(text: string, authorization: string): string {
  const secrets = [authorization, authorization.trim().replace(/^\S+\s+/, '')].filter((s) => s.length > 0);
  return secrets.reduce((out, secret) => out.replaceAll(secret, '<authorization>'), text);
}
