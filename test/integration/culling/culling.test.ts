// Player culling through the real handlers on DynamoDB Local, with a timeout of a few seconds: a silent member culled
// while a polling leader is not, no 304 on an ETag from before a cull, a stampede onto culled seats, a culled
// player's own read and re-join, a culled leader's hand-off, the last player culled ending the session, and the
// sweep (with the scheduled event EventBridge sends) removing culls nobody read.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { handler as sweep } from '../../../handlers/cull-sweep.js';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { api } from '../../support/api-client.js';
import { testDocumentClient, testTableName } from '../../support/dynamodb.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, seedSession, store } from '../../support/stores.js';

// Long enough that a player polling every few hundred milliseconds stays seated on a loaded machine.
const T = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const db = testDocumentClient();
const sessionItem = async (id: string) =>
  (await db.send(new GetCommand({ TableName: testTableName(), Key: sessionKey(id), ConsistentRead: true }))).Item;
const seated = async (id: string) =>
  Object.fromEntries(((await store.readSessionWithPlayers(id, new Date()))?.players ?? []).map((p) => [p.playerUuid, `${p.status}@${p.teamId}`]));

/** A culling session (T seconds) with these players seated as of now: the first leads, all on team 0 unless given. */
async function cullingSession(players: { p: TestPlayer; team?: number }[], over: Parameters<typeof createSession>[0] = {}) {
  const s = await createSession(
    { teamSizes: [2, 2], cullAfterSeconds: T, ...over },
    players.map(({ p, team }, i) =>
      seatedPlayer(p.uuid, { status: i === 0 ? 'leader' : 'member', teamId: team ?? 0, joined: new Date(Date.now() + i).toISOString() }),
    ),
  );
  return s.sessionId;
}

/** Polls as the SDK does (GET with refresh_ttl), every `everyMs`, for `forMs`. */
async function poll(p: TestPlayer, id: string, everyMs: number, forMs: number) {
  for (const end = Date.now() + forMs; Date.now() < end; await sleep(everyMs)) expect((await api.get(p, id)).status).toBe(200);
}

const scheduled = (): ScheduledEvent => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/RhSessionService-dev-CullSweepSchedule'],
  detail: {},
});
const lambdaContext = { getRemainingTimeInMillis: () => 20_000 } as Context;

test('a silent member is culled while the polling leader is not; the cull is one change, published with reason culled', async () => {
  const [leader, silent] = [newPlayer(), newPlayer()];
  // Before the session: the silent member joined no earlier than this.
  const created = Date.now();
  const id = await cullingSession([{ p: leader }, { p: silent }]);
  const v = (await store.readSession(id, new Date()))!.version;
  // The leader polls (every 400 ms and a request, well under 3T/4) until a poll shows the silent member gone.
  let shown: string[];
  let r: Awaited<ReturnType<typeof api.get>>;
  do {
    await sleep(400);
    r = await api.get(leader, id);
    shown = r.body.teams[0].players.map((p: { player_uuid: string }) => p.player_uuid);
  } while (shown.length > 1 && Date.now() - created < 4 * T * 1000);
  expect(shown).toEqual([leader.uuid]);
  expect(Date.now() - created).toBeGreaterThanOrEqual(T * 1000);
  expect(await seated(id)).toEqual({ [leader.uuid]: 'leader@0' });
  // The change the session-events pipe publishes is the one the cull wrote.
  const item = (await sessionItem(id))!;
  expect(item.version).toBe(v + 1);
  expect(r.headers.etag).toContain(`${v + 1}`);
  expect(item.last_change).toEqual({ event: 'Session Player Left', player_uuid: silent.uuid, team_id: 0, status: 'left', reason: 'culled' });
  // The leader keeps polling and stays, and nothing changes: the floor only ever moves on.
  await poll(leader, id, 400, T * 1500);
  expect(await seated(id)).toEqual({ [leader.uuid]: 'leader@0' });
  expect((await sessionItem(id))!.version).toBe(v + 1);
});

test('a poll with an ETag from before a cull gets 200 with the culled state, never 304; then 304 again', async () => {
  const [leader, silent] = [newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader }, { p: silent }]);
  const first = await api.get(leader, id);
  const held = { headers: { 'if-none-match': first.headers.etag! } };
  const due = Date.now() + T * 1000;
  expect((await api.get(leader, id, held)).status).toBe(304);
  while (Date.now() < due - 1500) {
    await sleep(500);
    expect((await api.get(leader, id, held)).status).toBe(304);
  }
  await sleep(due - Date.now() + 200);
  const after = await api.get(leader, id, held);
  expect(after.status).toBe(200);
  expect(after.headers.etag).not.toBe(first.headers.etag);
  expect(after.body.teams[0].players).toHaveLength(1);
  expect((await api.get(leader, id, { headers: { 'if-none-match': after.headers.etag! } })).status).toBe(304);
});

test('a stampede onto culled seats admits exactly the free seats; a player who queried in time keeps theirs', async () => {
  const [leader, silentA, silentB, awake] = [newPlayer(), newPlayer(), newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader, team: 1 }, { p: silentA }, { p: silentB }, { p: awake, team: 1 }], { teamSizes: [2, 2] });
  // The leader and the awake member keep polling until the stampede is over.
  let polling = true;
  const keepPolling = async (p: TestPlayer) => {
    while (polling) {
      expect((await api.get(p, id)).status).toBe(200);
      await sleep(300);
    }
  };
  const pollers = [keepPolling(leader), keepPolling(awake)];
  await sleep((T + 0.3) * 1000);
  const joiners = Array.from({ length: 8 }, () => newPlayer());
  const answers = await Promise.all(joiners.map((p) => api.join(p, id, joinBody({ team_id: 0 }))));
  polling = false;
  await Promise.all(pollers);
  const admitted = answers.filter((a) => a.status === 200);
  expect(admitted).toHaveLength(2);
  expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error_code)).toEqual(Array(6).fill('team_full'));
  const now = await seated(id);
  expect(now[leader.uuid]).toBe('leader@1');
  expect(now[awake.uuid]).toBe('member@1');
  expect(now[silentA.uuid]).toBeUndefined();
  expect(Object.keys(now)).toHaveLength(4);
});

test("a culled player's own read shows the session without them and does not bring them back; their join seats them again", async () => {
  const [leader, silent] = [newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader }, { p: silent }]);
  await poll(leader, id, 400, (T + 0.3) * 1000);
  const own = await api.get(silent, id);
  expect(own.status).toBe(200);
  expect(own.body.teams[0].players.map((p: { player_uuid: string }) => p.player_uuid)).toEqual([leader.uuid]);
  expect((await api.get(silent, id)).body.teams[0].players).toHaveLength(1);
  const back = await api.join(silent, id, joinBody({ team_id: 0 }));
  expect(back).toMatchObject({ status: 200, body: { status: 'member', team_id: 0 } });
  expect(await seated(id)).toEqual({ [leader.uuid]: 'leader@0', [silent.uuid]: 'member@0' });
});

test('a culled leader hands the lead to the earliest member who stays; the last one culled ends the session', async () => {
  const [leader, first, second] = [newPlayer(), newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader }, { p: first }, { p: second, team: 1 }]);
  await Promise.all([poll(first, id, 400, (T + 0.3) * 1000), poll(second, id, 400, (T + 0.3) * 1000)]);
  const r = await api.get(second, id);
  expect(
    r.body.teams.flatMap((t: { players: { player_uuid: string; status: string }[] }) => t.players.map((p) => `${p.player_uuid}:${p.status}`)).sort(),
  ).toEqual([`${first.uuid}:leader`, `${second.uuid}:member`].sort());
  await sleep((T + 0.3) * 1000);
  expect((await api.get(newPlayer(['session:read:any']), id)).body.error_code).toBe('session_not_found');
  expect((await sessionItem(id))!.last_change).toMatchObject({ event: 'Session Deleted', reason: 'culled' });
});

test('with keep-alive, the last players culled leave the session standing, empty and without a floor', async () => {
  const [leader] = [newPlayer()];
  const id = await cullingSession([{ p: leader }], { keepAliveOnEmpty: true });
  await sleep((T + 0.3) * 1000);
  const r = await api.get(newPlayer(['session:read:any']), id);
  expect(r.status).toBe(200);
  expect(r.body.teams[0].players).toEqual([]);
  expect((await sessionItem(id))!.cull_at).toBeUndefined();
});

test('the sweep, on the scheduled event EventBridge sends, removes culls nobody read: the culled player loses the session from their list', async () => {
  const [leader, silent] = [newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader }, { p: silent }], { keepAliveOnEmpty: true });
  const listed = async () => JSON.stringify((await api.mine(silent)).body.sessions).includes(id);
  expect(await listed()).toBe(true);
  await sleep((T + 0.3) * 1000);
  const outcome = await sweep(scheduled(), lambdaContext);
  expect(outcome.failed).toEqual([]);
  expect(outcome.culled).toBeGreaterThanOrEqual(2);
  expect(await listed()).toBe(false);
  expect(await seated(id)).toEqual({});
  // Nothing left due: the next run finds nothing of this session.
  expect((await store.sessionsDueForCull(new Date(), 1000)).includes(id)).toBe(false);
});

test('a session without a culling timeout writes no presence and carries no floor', async () => {
  const leader = newPlayer();
  const s = await createSession({ teamSizes: [2] }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
  expect((await api.get(leader, s.sessionId)).status).toBe(200);
  const all = await store.readSessionWithPlayers(s.sessionId, new Date());
  expect(all!.presence.size).toBe(0);
  expect((await sessionItem(s.sessionId))!.cull_at).toBeUndefined();
});

test("a trusted server's read records no presence; the leader's session update and a player's own update do", async () => {
  const [leader, member] = [newPlayer(), newPlayer()];
  const id = await cullingSession([{ p: leader }, { p: member }]);
  expect((await api.get(newPlayer(['session:read:any']), id)).status).toBe(200);
  expect((await store.readSessionWithPlayers(id, new Date()))!.presence.size).toBe(0);
  expect((await api.patch(leader, id, { custom_data: { map: 'dunes' } })).status).toBe(200);
  expect((await api.setPlayer(member, id, member.uuid, { custom_data: { ready: 'yes' } })).status).toBe(200);
  expect([...(await store.readSessionWithPlayers(id, new Date()))!.presence.keys()].sort()).toEqual([leader.uuid, member.uuid].sort());
});

test('sixty silent members culled at once, in a session open to create-or-join with a short code: transactions of 48, each one change', async () => {
  const leader = newPlayer();
  const members = Array.from({ length: 60 }, (_, i) => seatedPlayer(`m-${String(i).padStart(2, '0')}-${leader.uuid}`, { teamId: i % 2 }));
  const s = await seedSession({ teamSizes: [40, 40], cullAfterSeconds: T, autoJoin: true, joinable: true }, [
    seatedPlayer(leader.uuid, { status: 'leader', teamId: 0, joined: new Date(Date.now() + 1_000).toISOString() }),
    ...members,
  ]);
  expect((await api.shortCode(leader, s.sessionId)).status).toBe(200);
  const v = (await store.readSession(s.sessionId, new Date()))!.version;
  await sleep(T * 1000 + 300);
  const r = await api.get(leader, s.sessionId);
  expect(r.status).toBe(200);
  expect(r.body.teams.flatMap((t: { players: unknown[] }) => t.players)).toHaveLength(1);
  expect((await store.readSession(s.sessionId, new Date()))!.version).toBe(v + 2);
  expect(await seated(s.sessionId)).toEqual({ [leader.uuid]: 'leader@0' });
});
