// The join and its neighbours on the 2026-08 contract: today's platforms, any client version, refresh_ttl read as
// FastAPI reads it, a leave's reason, and the defaulted fields every answer carries.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { compileVersionRange } from '../../../src/templates/version-range.js';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { api, type RequestOptions } from '../../support/api-client.js';
import { joinBody } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { createSession, store, testClient } from '../../support/stores.js';
import { testTableName } from '../../support/dynamodb.js';

const db = testClient();
const expiryOf = async (sessionId: string) => (await store.readSession(sessionId, new Date()))?.expiresAt;
/** A session whose life ends well before a fresh write would extend it to. */
const shortLived = () => createSession({ ttlSeconds: 3600, now: new Date(Date.now() - 1800_000) });

describe("today's platforms and client versions", () => {
  test.each([
    [{ platform: 'AndroidDevice', input: 'touch' }, 'AndroidDevice'],
    [{ platform: 'iosDevice', input: 'touch' }, 'iosDevice'],
    [{ platform: 'Discord', input: 'keyboardandmouse' }, 'Discord'],
    [{ platform_id: 25, input: 'keyboardandmouse' }, 'Discord'],
  ])('%p joins and is shown on %s', async (client_settings, shown) => {
    const s = await createSession();
    const p = newPlayer();
    expect((await api.join(p, s.sessionId, joinBody({ client_settings }))).status).toBe(200);
    const g = await api.get(p, s.sessionId);
    expect(g.body.teams[0].players[0].client_settings.platform).toBe(shown);
  });

  test.each(['1.2.3.4', 'build-7781', '12345.12345.0+5.4.2', 'v1'])('client_version %p is taken where the template sets no range', async (v) => {
    const s = await createSession();
    const r = await api.join(newPlayer(), s.sessionId, joinBody({ client_version: v }));
    expect(r.status).toBe(200);
  });

  test.each([
    ['2.4.1', 200],
    ['v2.4.1', 200],
    ['3.0.0-rc.1', 403],
    ['1.2.3.4', 403],
    ['build-7781', 403],
  ])('in a session of range >=2.0.0 <3.0.0, version %p answers %d', async (v, status) => {
    const s = await createSession({ clientVersionRange: compileVersionRange('>=2.0.0 <3.0.0') });
    const r = await api.join(newPlayer(), s.sessionId, joinBody({ client_version: v }));
    expect(r.status).toBe(status);
    if (status === 403) expect(r.body.error_code).toBe('client_version_incompatible');
  });
});

describe('refresh_ttl, as FastAPI reads a boolean query parameter', () => {
  const formats: RequestOptions['format'][] = ['http', 'rest'];

  test.each(formats)('maybe, an empty value and 2 are 422 at ["query","refresh_ttl"] and change nothing (%s)', async (format) => {
    const s = await createSession();
    for (const value of ['maybe', '', '2']) {
      const r = await api.join(newPlayer(), s.sessionId, joinBody(), { query: { refresh_ttl: value }, format });
      expect(r.status).toBe(422);
      expect(r.body.detail).toEqual([{ loc: ['query', 'refresh_ttl'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' }]);
    }
    expect((await store.readSession(s.sessionId, new Date()))?.activeCount).toBe(0);
  });

  test.each(['false', 'No', 'OFF', '0', 'f', 'n'])('refresh_ttl=%s leaves the life of the session as it is', async (value) => {
    const s = await shortLived();
    const before = await expiryOf(s.sessionId);
    expect((await api.join(newPlayer(), s.sessionId, joinBody(), { query: { refresh_ttl: value } })).status).toBe(200);
    expect(await expiryOf(s.sessionId)).toBe(before);
  });

  test.each(['true', 'YES', 'on', '1', 'T', 'y'])('refresh_ttl=%s extends it', async (value) => {
    const s = await shortLived();
    const before = (await expiryOf(s.sessionId))!;
    expect((await api.join(newPlayer(), s.sessionId, joinBody(), { query: { refresh_ttl: value } })).status).toBe(200);
    expect(await expiryOf(s.sessionId)).toBeGreaterThan(before + 1000);
  });

  test.each(formats)('the last of repeated values counts (%s)', async (format) => {
    const s = await shortLived();
    const before = await expiryOf(s.sessionId);
    const refused = await api.join(newPlayer(), s.sessionId, joinBody(), {
      query: [
        ['refresh_ttl', 'false'],
        ['refresh_ttl', 'maybe'],
      ],
      format,
    });
    expect(refused.status).toBe(422);
    const kept = await api.join(newPlayer(), s.sessionId, joinBody(), {
      query: [
        ['refresh_ttl', 'maybe'],
        ['refresh_ttl', 'false'],
      ],
      format,
    });
    expect(kept.status).toBe(200);
    expect(await expiryOf(s.sessionId)).toBe(before);
  });

  test('leave, kick, PATCH and player updates take it too', async () => {
    const s = await shortLived();
    const [leader, member, other] = [newPlayer(), newPlayer(), newPlayer()];
    for (const p of [leader, member, other]) expect((await api.join(p, s.sessionId)).status).toBe(200);
    const before = await expiryOf(s.sessionId);
    const keep = { query: { refresh_ttl: 'false' } };
    expect((await api.patch(leader, s.sessionId, { custom_data: { a: 'b' } }, keep)).status).toBe(200);
    expect((await api.setPlayer(leader, s.sessionId, member.uuid, { custom_data: { c: 'd' } }, keep)).status).toBe(200);
    expect((await api.kick(leader, s.sessionId, other.uuid, keep)).status).toBe(204);
    expect((await api.leave(member, s.sessionId, keep)).status).toBe(204);
    expect(await expiryOf(s.sessionId)).toBe(before);
    expect((await api.patch(leader, s.sessionId, { custom_data: { a: 'c' } }, { query: { refresh_ttl: 'nope' } })).status).toBe(422);
  });
});

describe('reason on leave and kick', () => {
  const lastChange = async (sessionId: string) =>
    (await db.send(new GetCommand({ TableName: testTableName(), Key: sessionKey(sessionId) }))).Item?.last_change as Record<string, unknown>;

  test('is published with the change', async () => {
    const s = await createSession({ keepAliveOnEmpty: true });
    const [leader, member] = [newPlayer(), newPlayer()];
    await api.join(leader, s.sessionId);
    await api.join(member, s.sessionId);
    expect((await api.kick(leader, s.sessionId, member.uuid, { query: { reason: 'said "gg" & left' } })).status).toBe(204);
    const change = await lastChange(s.sessionId);
    expect(change).toMatchObject({ event: 'Session Player Left', player_uuid: member.uuid, reason: 'said "gg" & left' });
    expect((await api.leave(leader, s.sessionId, { query: { reason: 'bed time' } })).status).toBe(204);
    expect(await lastChange(s.sessionId)).toMatchObject({ player_uuid: leader.uuid, reason: 'bed time' });
  });

  test('is 1..128 characters', async () => {
    const s = await createSession();
    const p = newPlayer();
    await api.join(p, s.sessionId);
    for (const reason of ['', 'x'.repeat(129)]) {
      const r = await api.leave(p, s.sessionId, { query: { reason } });
      expect(r.status).toBe(422);
      expect(r.body.detail[0].loc).toEqual(['query', 'reason']);
    }
    expect((await store.readSession(s.sessionId, new Date()))?.activeCount).toBe(1);
  });
});

test('a session shows the fields the 2026-08 contract defaults: joinability, teams_suppressed, platform_session, created_by_matchmaking, session_permissions', async () => {
  const s = await createSession();
  const p = newPlayer();
  await api.join(p, s.sessionId);
  const g = await api.get(p, s.sessionId);
  expect(g.body).toMatchObject({
    joinable: true,
    joinability: { open: true, friends: false, platform: true },
    teams_suppressed: false,
    platform_session: [],
    created_by_matchmaking: false,
  });
  expect(g.body.teams[0].players[0].session_permissions).toEqual([]);
});
