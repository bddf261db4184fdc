// get_player_in_session and get_players_in_session end to end: one player, or a page of players, each with the
// ETag of the state it was read in; and another player's sessions (get_player_sessions_by_uuid_v2, deprecated too).
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { api } from '../../support/api-client.js';
import { seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer } from '../../support/players.js';
import { createSession } from '../../support/stores.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isSessionPlayer = componentValidator(spec, 'SessionPlayer');
const isPage = componentValidator(spec, 'PagedPlayersResponse');

/** A session with a leader and `n - 1` members over two teams, in uuid order of no particular kind. */
async function seated(n: number) {
  const uuids = Array.from({ length: n }, () => randomUUID());
  const players = uuids.map((u, i) => seatedPlayer(u, { status: i === 0 ? 'leader' : 'member', teamId: i % 2, customData: { i: String(i) } }));
  const s = await createSession({ teamSizes: [8, 8] }, players);
  return { id: s.sessionId, uuids, leader: newPlayer(undefined, uuids[0]) };
}

describe('get_player_in_session', () => {
  test('a player as Get Session By Id shows them, with its ETag; to a stranger too', async () => {
    const { id, uuids, leader } = await seated(3);
    const r = await api.player(newPlayer(), id, uuids[1]!.toUpperCase());
    expect(r.status).toBe(200);
    expect(isSessionPlayer(r.body)).toBe(true);
    const g = await api.get(leader, id);
    const shown = g.body.teams.flatMap((t: { players: unknown[] }) => t.players).find((p: { player_uuid: string }) => p.player_uuid === uuids[1]);
    expect(r.body).toEqual(shown);
    expect(r.headers.etag).toBe(g.headers.etag);
  });

  test('404 for a player not in it and for an unknown session; 422 for a bad uuid or refresh_ttl', async () => {
    const { id, leader } = await seated(2);
    expect((await api.player(leader, id, randomUUID())).body.error_code).toBe('player_not_in_session');
    expect((await api.player(leader, `s-${randomUUID()}`, leader.uuid)).body.error_code).toBe('session_not_found');
    expect((await api.player(leader, id, 'me')).status).toBe(422);
    expect((await api.player(leader, id, leader.uuid, { query: { refresh_ttl: 'maybe' } })).status).toBe(422);
    expect((await api.player(newPlayer(['session:create']), id, leader.uuid)).body.error_code).toBe('insufficient_permissions');
  });
});

describe('get_players_in_session', () => {
  test('pages in uuid order cover every player once; cursors run 0, 3, 6, then 0; each page carries the ETag of GET', async () => {
    const { id, uuids, leader } = await seated(7);
    const etag = (await api.get(leader, id)).headers.etag;
    const seen: string[] = [];
    const cursors: number[] = [];
    let cursor = 0;
    do {
      const r = await api.players(newPlayer(), id, { query: { cursor: String(cursor), page_size: '3' } });
      expect(r.status).toBe(200);
      expect(isPage(r.body)).toBe(true);
      expect(r.headers.etag).toBe(etag);
      expect(r.body.teams.map((t: { team_id: number; max_size: number }) => [t.team_id, t.max_size])).toEqual([
        [0, 8],
        [1, 8],
      ]);
      const page = r.body.teams.flatMap((t: { team_id: number; players: { player_uuid: string; custom_data: { i: string } }[] }) =>
        t.players.map((p) => {
          expect(Number(p.custom_data.i) % 2).toBe(t.team_id);
          return p.player_uuid;
        }),
      );
      expect(page.length).toBeLessThanOrEqual(3);
      seen.push(...page);
      cursors.push(cursor);
      cursor = r.body.cursor;
    } while (cursor !== 0);
    expect(cursors).toEqual([0, 3, 6]);
    expect([...seen].sort()).toEqual([...uuids].sort());
    expect(seen.length).toBe(7);
  });

  test('the default page holds up to 50 players; a cursor past the end is an empty last page; bad bounds are 422', async () => {
    const { id, uuids, leader } = await seated(4);
    const all = await api.players(leader, id);
    expect(all.body.cursor).toBe(0);
    expect(all.body.teams.flatMap((t: { players: unknown[] }) => t.players)).toHaveLength(uuids.length);
    const past = await api.players(leader, id, { query: { cursor: '40' } });
    expect([past.status, past.body.cursor, past.body.teams.flatMap((t: { players: unknown[] }) => t.players)]).toEqual([200, 0, []]);
    const bad: Record<string, string>[] = [{ page_size: '0' }, { page_size: '51' }, { cursor: '-1' }, { cursor: 'x' }];
    for (const query of bad) expect((await api.players(leader, id, { query })).status).toBe(422);
    expect((await api.players(leader, `s-${randomUUID()}`)).body.error_code).toBe('session_not_found');
  });
});

describe('get_player_sessions_by_uuid_v2 and the deprecated route', () => {
  test("a trusted caller reads anyone's sessions, as the player reads their own; both routes answer alike", async () => {
    const { id, uuids } = await seated(2);
    const member = newPlayer(undefined, uuids[1]);
    const own = await api.mine(member);
    for (const deprecated of [false, true]) {
      for (const reader of [newAdmin(), newPlayer(['session:read-player:any']), member]) {
        const r = await api.sessionsOf(reader, uuids[1]!.toUpperCase(), { deprecated });
        expect(r.status).toBe(200);
        expect(r.body.sessions).toEqual(own.body.sessions);
        expect(r.body.sessions.test.session_ids).toEqual([id]);
        expect(r.headers.etag).toBe(own.headers.etag);
        expect((await api.sessionsOf(reader, uuids[1]!, { deprecated, headers: { 'if-none-match': r.headers.etag! } })).status).toBe(304);
      }
    }
  });

  test("a player may not read another player's sessions; a bad uuid is 422", async () => {
    const { uuids } = await seated(2);
    for (const deprecated of [false, true]) {
      expect((await api.sessionsOf(newPlayer(), uuids[1]!, { deprecated })).body.error_code).toBe('insufficient_permissions');
      expect((await api.sessionsOf(newAdmin(), 'nope', { deprecated })).status).toBe(422);
    }
  });
});
