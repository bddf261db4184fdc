// delete_session end to end (RallyHere's SDK DeleteSession): one transaction ends the session with its short code,
// its open-index entry and its memberships; a larger session's memberships go right after; who may, and who not.
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PLAYER_SK_PREFIX, sessionKey, shortCodeKey } from '../../../src/dynamodb/items.js';
import { deleteSession } from '../../../src/sessions/operations/delete-session.js';
import { PLAYERS_IN_DELETION } from '../../../src/sessions/store.js';
import { api } from '../../support/api-client.js';
import { testTableName } from '../../support/dynamodb.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { decorate } from '../../support/decorate.js';
import { createSession, seedSession, store, testClient } from '../../support/stores.js';

const db = testClient();
const sessionItem = async (id: string) =>
  (await db.send(new GetCommand({ TableName: testTableName(), Key: sessionKey(id), ConsistentRead: true }))).Item;
const playerItems = async (id: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': sessionKey(id).pk, ':p': PLAYER_SK_PREFIX },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** A party: its leader, a member and an invited player, on a session of a type of its own. */
async function party(over = {}): Promise<{ id: string; type: string; leader: TestPlayer; member: TestPlayer; invited: TestPlayer }> {
  const type = `party-${randomUUID()}`;
  const s = await createSession({ type, ...over });
  const [leader, member, invited] = [newPlayer(), newPlayer(), newPlayer()];
  await api.join(leader, s.sessionId);
  await api.join(member, s.sessionId);
  await api.setPlayer(leader, s.sessionId, invited.uuid, { status: 'invited' });
  return { id: s.sessionId, type, leader, member, invited };
}

test('the leader deletes: 204 without an ETag; the session, its memberships and its invite are gone in that one write', async () => {
  const { id, leader, member, invited } = await party();
  const before = (await store.readSession(id, new Date()))!;
  const r = await api.deleteSession(leader, id, { headers: { 'content-type': 'application/json; charset=utf-8' }, query: { refresh_ttl: 'true' } });
  expect([r.status, r.headers.etag, r.raw]).toEqual([204, undefined, undefined]);
  expect((await api.get(member, id)).body.error_code).toBe('session_not_found');
  expect((await api.join(newPlayer(), id)).body.error_code).toBe('session_not_found');
  expect((await api.deleteSession(leader, id)).body.error_code).toBe('session_not_found');
  expect(await playerItems(id)).toEqual([]);
  const item = (await sessionItem(id))!;
  expect(item.version).toBe(before.version + 1);
  expect(item.last_change).toEqual({ event: 'Session Deleted', reason: 'delete_session' });
  for (const p of [leader, member, invited]) expect((await api.mine(p)).body.sessions).toEqual({});
});

test('its short code is released and its open-index entry removed in the same transaction', async () => {
  const { id, type, leader } = await party({ autoJoin: true });
  const code = (await api.shortCode(leader, id)).body.short_code as string;
  expect((await store.openSessions(type, 10)).map((o) => o.sessionId)).toEqual([id]);
  expect((await api.deleteSession(leader, code)).status).toBe(204);
  expect(await store.openSessions(type, 10)).toEqual([]);
  expect((await db.send(new GetCommand({ TableName: testTableName(), Key: shortCodeKey(code) }))).Item).toBeUndefined();
  expect((await api.get(leader, code)).body.error_code).toBe('session_not_found');
});

test('refusals change nothing: a member, an invited player, a stranger, a token without a delete permission, a stale If-Match', async () => {
  const { id, leader, member, invited } = await party();
  const etag = (await api.get(leader, id)).headers.etag;
  for (const p of [member, invited, newPlayer()]) expect((await api.deleteSession(p, id)).body).toMatchObject({ error_code: 'not_session_leader' });
  const readOnly = newPlayer(['session:read:self', 'session:update:self'], leader.uuid);
  expect((await api.deleteSession(readOnly, id)).body.error_code).toBe('insufficient_permissions');
  await api.patch(leader, id, { custom_data: { round: '2' } });
  const stale = await api.deleteSession(leader, id, { headers: { 'if-match': etag! } });
  expect([stale.status, stale.body.error_code]).toEqual([412, 'precondition_failed']);
  expect((await api.get(leader, id)).status).toBe(200);
  expect(await playerItems(id)).toHaveLength(3);
  expect((await api.deleteSession(newPlayer(), `s-${randomUUID()}`)).body.error_code).toBe('session_not_found');
  expect((await api.deleteSession(leader, 'x'.repeat(129))).status).toBe(422);
});

test('a trusted caller deletes any session, one without a leader too, with session:* or session:delete:any', async () => {
  const { id } = await party();
  expect((await api.deleteSession(newPlayer(['session:delete:any']), id)).status).toBe(204);
  const empty = await createSession({ keepAliveOnEmpty: true });
  expect((await api.deleteSession(newAdmin(), empty.sessionId)).status).toBe(204);
  expect((await api.get(newAdmin(), empty.sessionId)).status).toBe(404);
});

test('a session with more memberships than one transaction holds: all of them are removed right after, and lists leave it out', async () => {
  const seated = Array.from({ length: PLAYERS_IN_DELETION + 23 }, (_, i) =>
    seatedPlayer(randomUUID(), { status: i === 0 ? 'leader' : 'member', teamId: i % 2, joined: new Date(1_700_000_000_000 + i).toISOString() }),
  );
  const s = await seedSession({ teamSizes: [100, 100] }, seated);
  const leader = newPlayer(undefined, seated[0]!.playerUuid);
  expect(await playerItems(s.sessionId)).toHaveLength(seated.length);
  expect((await api.deleteSession(leader, s.sessionId)).status).toBe(204);
  expect(await playerItems(s.sessionId)).toEqual([]);
  expect((await api.mine(newPlayer(undefined, seated[50]!.playerUuid))).body.sessions).toEqual({});
});

test('a join landing between the read and the write: the deletion is decided again, and the late member removed after it', async () => {
  const { id, leader } = await party();
  const joined: string[] = [];
  const racing = decorate(store, {
    async commitChange(read, change, mode, now) {
      const late = newPlayer();
      expect((await api.join(late, id, joinBody({ team_id: 1 }))).status).toBe(200);
      joined.push(late.uuid);
      return store.commitChange(read, change, mode, now);
    },
  });
  const outcome = await deleteSession(racing, id, { playerUuid: leader.uuid, trusted: false });
  // The first try, on the version read, lost to the join; the second, on the facts, won over another one.
  expect([outcome.attempts, outcome.conditionedOn, outcome.cleanedUp]).toEqual([2, 'facts', true]);
  expect(joined).toHaveLength(2);
  expect(await playerItems(id)).toEqual([]);
  expect((await api.get(leader, id)).status).toBe(404);
});

test('the cleanup after a deletion is bounded: past its deadline it stops at a page boundary, and a later run finishes it', async () => {
  // About 1.3 MB of player items: more than one 1 MB page of a Query.
  const big = { blob: 'x'.repeat(4000), more: 'y'.repeat(4000), most: 'z'.repeat(3000) };
  const seated = Array.from({ length: 120 }, (_, i) =>
    seatedPlayer(randomUUID(), { status: i === 0 ? 'leader' : 'member', teamId: i % 2, customData: big }),
  );
  const s = await seedSession({ teamSizes: [60, 60] }, seated);
  expect((await api.deleteSession(newAdmin(), s.sessionId)).status).toBe(204);
  // The request's own cleanup had time to finish: nothing is left.
  expect(await playerItems(s.sessionId)).toEqual([]);
  const again = await seedSession({ sessionId: `s-${randomUUID()}`, teamSizes: [60, 60] }, seated);
  expect(await store.deleteOrphanPlayers(again.sessionId, again.incarnation, Date.now() - 1)).toBe(false);
  const left = (await playerItems(again.sessionId)).length;
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(seated.length);
  expect(await store.deleteOrphanPlayers(again.sessionId, again.incarnation)).toBe(true);
  expect(await playerItems(again.sessionId)).toEqual([]);
});
