// A create-or-join stampede: 200 concurrent calls on an auto-join type with 4 seats.
import { httpApiEvent, invoke } from '../support/api.js';
import { newPlayer } from '../support/players.js';
import { store } from '../support/stores.js';

const { handler: createOrJoin } = await import('../../handlers/create-or-join-session.js');

describe('create-or-join stampede', () => {
  test('200 concurrent calls on an auto-join type with 4 seats: all 200, none overfilled, at most 56 sessions', async () => {
    const type = 'lobby';
    const players = Array.from({ length: 200 }, () => newPlayer());
    const answers = await Promise.all(
      players.map((p) =>
        invoke(
          createOrJoin,
          httpApiEvent({
            method: 'POST',
            route: '/session/v1/session',
            headers: p.auth,
            body: { session_type: type, client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'gamepad' } },
          }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
    const ids = [...new Set(answers.map((a) => a.body.session_id as string))];
    const sessions = await Promise.all(ids.map((id) => store.readSessionWithPlayers(id, new Date())));
    const seated = sessions.flatMap((s) => s!.players.map((p) => p.playerUuid));
    for (const s of sessions) expect(s!.players.length).toBeLessThanOrEqual(4);
    expect(new Set(seated).size).toBe(seated.length);
    expect(seated.filter((u) => players.some((p) => p.uuid === u))).toHaveLength(200);
    console.log(`create-or-join stampede: 200 players in ${ids.length} sessions`);
    expect(ids.length).toBeLessThanOrEqual(56);
  });
});
