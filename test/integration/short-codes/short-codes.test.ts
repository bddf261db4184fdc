// Short codes end to end: generated for active members, unique among live sessions, usable in place of the id by
// every operation that takes one, released when the session ends; an unknown code answers as an unknown id does.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sessionKey, shortCodeKey } from '../../../src/dynamodb/items.js';
import { newSession } from '../../../src/sessions/model/new-session.js';
import { SHORT_CODE_ALPHABET } from '../../../src/sessions/model/short-code.js';
import { generateShortCode } from '../../../src/sessions/operations/generate-short-code.js';
import { api } from '../../support/api-client.js';
import { testTableName } from '../../support/dynamodb.js';
import { joinBody } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { MemoryStore } from '../../support/memory-store.js';
import { decorate } from '../../support/decorate.js';
import { createSession, store, testClient } from '../../support/stores.js';

const db = testClient();
const codeItem = async (code: string) => (await db.send(new GetCommand({ TableName: testTableName(), Key: shortCodeKey(code) }))).Item;

async function led(over = {}): Promise<{ id: string; leader: TestPlayer }> {
  const s = await createSession(over);
  const leader = newPlayer();
  await api.join(leader, s.sessionId);
  return { id: s.sessionId, leader };
}

test('an active member gets a 6-character code of the alphabet; asking again returns the same code; the session shows it', async () => {
  const { id, leader } = await led();
  const before = (await api.get(leader, id)).headers.etag;
  const r = await api.shortCode(leader, id);
  expect(r.status).toBe(200);
  expect(r.body.short_code).toMatch(new RegExp(`^[${SHORT_CODE_ALPHABET}]{6}$`));
  expect(r.headers.etag).not.toBe(before);
  const g = await api.get(leader, id);
  expect(g.body.short_code).toBe(r.body.short_code);
  expect(g.headers.etag).toBe(r.headers.etag);
  const again = await api.shortCode(leader, id);
  expect(again.body.short_code).toBe(r.body.short_code);
  expect(again.headers.etag).toBe(r.headers.etag);
  expect(await codeItem(r.body.short_code)).toMatchObject({ session_id: id });
});

test('a player not active in the session may not; a trusted caller may', async () => {
  const { id, leader } = await led();
  const invited = newPlayer();
  await api.setPlayer(leader, id, invited.uuid, { status: 'invited' });
  for (const p of [newPlayer(), invited]) expect((await api.shortCode(p, id)).body.error_code).toBe('not_active_in_session');
  expect((await api.shortCode(newPlayer(['session:read:self']), id)).body.error_code).toBe('insufficient_permissions');
  expect((await api.shortCode(newAdmin(), id)).status).toBe(200);
  const anonymous = await api.shortCode({ auth: {} }, id);
  expect([anonymous.status, anonymous.body.error_code, anonymous.body.auth_success]).toEqual([403, 'auth_token_format', false]);
});

test('the code stands in for the id, in any case, on every operation that takes a session_id', async () => {
  const { id, leader } = await led();
  const code = (await api.shortCode(leader, id)).body.short_code as string;
  const p = newPlayer();
  expect((await api.join(p, code.toLowerCase())).status).toBe(200);
  const g = await api.get(p, code);
  expect([g.status, g.body.session_id]).toEqual([200, id]);
  expect((await api.setPlayer(leader, code, p.uuid, { custom_data: { via: 'code' } })).status).toBe(200);
  expect((await api.patch(leader, code, { custom_data: { by: 'code' } })).status).toBe(200);
  expect((await api.shortCode(leader, code)).body.short_code).toBe(code);
  expect((await api.kick(leader, code, p.uuid)).status).toBe(204);
  expect((await api.leave(leader, code)).status).toBe(204);
});

test('an unknown code answers exactly as an unknown id', async () => {
  const admin = newAdmin();
  const unknownCode = await api.get(admin, 'ZZZZZZ');
  const unknownId = await api.get(admin, 'no-such-session');
  expect([unknownCode.status, unknownCode.body]).toEqual([unknownId.status, unknownId.body]);
  expect((await api.join(newPlayer(), 'zzzzz9')).body.error_code).toBe('session_not_found');
});

test('the last player leaving releases the code with the session, in the same transaction', async () => {
  const { id, leader } = await led();
  const code = (await api.shortCode(leader, id)).body.short_code as string;
  expect((await api.leave(leader, id)).status).toBe(204);
  expect(await codeItem(code)).toBeUndefined();
  expect((await api.get(newAdmin(), code)).body.error_code).toBe('session_not_found');
});

test('a code another session holds is drawn again; when every draw is taken, 409 short_code_unavailable', async () => {
  const taken = await led();
  const held = (await api.shortCode(taken.leader, taken.id)).body.short_code as string;
  const { id, leader } = await led();
  const actor = { playerUuid: leader.uuid, trusted: false };
  const draws = [held, held, 'QQQQQQ'];
  const r = await generateShortCode(store, id, actor, { length: 6, draw: () => draws.shift() ?? 'QQQQQQ' });
  expect(r.result).toBe('QQQQQQ');
  expect(r.attempts).toBe(3);
  const other = await led();
  await expect(
    generateShortCode(store, other.id, { playerUuid: other.leader.uuid, trusted: false }, { length: 6, draw: () => held }),
  ).rejects.toMatchObject({
    code: 'short_code_unavailable',
    status: 409,
  });
  expect((await store.readSession(other.id, new Date()))?.shortCode).toBeUndefined();
});

test('the route serves only its own suffix', async () => {
  const { id, leader } = await led();
  const handler = (await import('../../../handlers/generate-session-short-code.js')).handler;
  const { httpApiEvent, invoke } = await import('../../support/api.js');
  const r = await invoke(
    handler,
    httpApiEvent({ method: 'POST', route: '/session/v1/session/{session_id}', pathParameters: { session_id: id }, headers: leader.auth }),
  );
  expect([r.status, r.body.error_code]).toEqual([404, 'route_not_found']);
  expect((await api.join(leader, id, joinBody())).status).toBe(200);
});

test("an expired session's id taken over before TTL removed it: its old code is released, never leading to the new session", async () => {
  const { id, leader } = await led();
  const code = (await api.shortCode(leader, id)).body.short_code as string;
  // The session's time runs out; DynamoDB's TTL has not removed it yet (so no stream record will release the code).
  await db.send(
    new UpdateCommand({
      TableName: testTableName(),
      Key: sessionKey(id),
      UpdateExpression: 'SET expires_at = :past',
      ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 10 },
    }),
  );
  await createSession({ sessionId: id });
  expect(await codeItem(code)).toBeUndefined();
  const r = await api.get(newAdmin(), code);
  expect([r.status, r.body.error_code]).toEqual([404, 'session_not_found']);
  expect(await memoryTakeover()).toBeUndefined();
});

/** The in-memory store releases the code of a taken-over id too. */
async function memoryTakeover(): Promise<string | undefined> {
  const memory = new MemoryStore();
  const now = new Date();
  const s = newSession({ sessionId: 'm', type: 't', teamSizes: [2], joinable: true, now: new Date(now.getTime() - 7200_000) });
  await memory.createSession({ ...s, shortCode: 'MMMMMM' }, [], new Date(now.getTime() - 7200_000));
  memory.shortCodes.set('MMMMMM', { sessionId: 'm', incarnation: s.incarnation });
  await memory.createSession(newSession({ sessionId: 'm', type: 't', teamSizes: [2], joinable: true }), [], now);
  return memory.resolveShortCode('MMMMMM');
}

test('two generations racing on facts: the session takes one code, and the loser answers it', async () => {
  const { id, leader } = await led();
  const actor = { playerUuid: leader.uuid, trusted: false };
  let raced = false;
  // The other generation commits between this one's read and its write; its write is conditioned on the facts only.
  const racing = decorate(store, {
    commitChange: async (...args: Parameters<typeof store.commitChange>) => {
      if (!raced) {
        raced = true;
        await generateShortCode(store, id, actor, { length: 6, draw: () => 'WINNER' });
      }
      return store.commitChange(...args);
    },
  });
  const draws = ['LOSER1', 'LOSER2'];
  const r = await generateShortCode(racing, id, actor, { length: 6, strategy: 'facts', draw: () => draws.shift()! });
  expect(r.result).toBe('WINNER');
  expect((await store.readSession(id, new Date()))?.shortCode).toBe('WINNER');
  expect(await codeItem('LOSER1')).toBeUndefined();
});

test('refresh_ttl=false leaves the life of the session as it is', async () => {
  const { id, leader } = await led({ ttlSeconds: 3600, now: new Date(Date.now() - 1800_000) });
  const before = (await store.readSession(id, new Date()))?.expiresAt;
  expect((await api.shortCode(leader, id, { query: { refresh_ttl: 'false' } })).status).toBe(200);
  expect((await store.readSession(id, new Date()))?.expiresAt).toBe(before);
});
