// A stampede: 60 players join a session of 2 teams x 10 at once, each asking for a random team.
import { api, handlerOf } from '../support/api-client.js';
import { joinBody } from '../support/fixtures.js';
import { newPlayer } from '../support/players.js';
import { createSession, store } from '../support/stores.js';

// Loaded before the stampede, as in a warm container: the joins start together.
await handlerOf('join_session_by_id_self');

test('60 joiners, 2 x 10 seats: exactly 10 per team, everyone else team_full, no 409, version +20, GET agrees', async () => {
  const s = await createSession({ teamSizes: [10, 10] });
  const players = Array.from({ length: 60 }, () => ({ ...newPlayer(), team: Math.random() < 0.5 ? 0 : 1 }));
  const answers = await Promise.all(players.map((p) => api.join(p, s.sessionId, joinBody({ team_id: p.team }))));

  const admitted = players.filter((_, i) => answers[i]!.status === 200);
  const refused = answers.filter((a) => a.status !== 200);
  const perTeam = [0, 1].map((t) => admitted.filter((p) => p.team === t).length);
  const askedPerTeam = [0, 1].map((t) => players.filter((p) => p.team === t).length);
  expect(perTeam).toEqual(askedPerTeam.map((n) => Math.min(n, 10)));
  for (const r of refused) expect(r).toMatchObject({ status: 403, body: { error_code: 'team_full' } });
  expect(answers.filter((a) => a.status === 409)).toHaveLength(0);
  expect(answers.filter((a) => a.body.status === 'leader')).toHaveLength(1);

  const found = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
  expect(found.session.version).toBe(s.version + admitted.length);
  expect(new Set(found.players.map((p) => p.playerUuid)).size).toBe(found.players.length);
  expect(found.players.map((p) => p.playerUuid).sort()).toEqual(admitted.map((p) => p.uuid).sort());
  expect(found.session.teams.map((t) => t.occupied)).toEqual(perTeam);

  // Every ETag a join returned names a state that existed: never beyond the final version, never reused by
  // two answers unless they name the same state (the read-back after a facts-conditioned write).
  const versions = answers.filter((a) => a.status === 200).map((a) => Number(/-(\d+)"$/.exec(a.headers.etag!)![1]));
  expect(Math.max(...versions)).toBeLessThanOrEqual(found.session.version);
  expect(Math.min(...versions)).toBeGreaterThan(s.version);

  const g = await api.get(players[0]!, s.sessionId);
  expect(g.headers.etag).toBe(`"${s.incarnation}-${found.session.version}"`);
  expect(g.body.teams.map((t: { players: { player_uuid: string }[] }) => t.players.map((p) => p.player_uuid).sort())).toEqual(
    [0, 1].map((t) =>
      admitted
        .filter((p) => p.team === t)
        .map((p) => p.uuid)
        .sort(),
    ),
  );
});
