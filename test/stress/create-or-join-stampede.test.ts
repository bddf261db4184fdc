// A create-or-join stampede: 200 concurrent calls on an auto-join type with 4 seats.
import { httpApiEvent, invoke } from '../support/api.js';
import { newPlayer } from '../support/players.js';
import { store } from '../support/stores.js';

const { handler: createOrJoin } = await import('../../handlers/create-or-join-session.js');

describe('create-or-join stampede', () => {
  test('200 concurrent calls on an auto-join type with 4 seats: all placed (a 409 retried as its Retry-After says), none overfilled, at most 56 sessions', async () => {
    const type = 'lobby';
    const players = Array.from({ length: 200 }, () => newPlayer());
    // DynamoDB Local runs one transaction at a time, so the crowd's queue there, not our code, sets how long a call
    // waits. The invocations get API Gateway's 30-s limit rather than the route functions' 10 s, and the placement,
    // which keeps trying until one DynamoDB request attempt (2 s) before the function's timeout, has 28 s: what this
    // test guards is placement, not how fast DynamoDB Local serves a queue of 200.
    const call = (p: (typeof players)[number]) =>
      invoke(
        createOrJoin,
        httpApiEvent({
          method: 'POST',
          route: '/session/v1/session',
          headers: p.auth,
          body: { session_type: type, client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'gamepad' } },
        }),
        { timeoutMs: 30_000 },
      );
    // A call that still runs out of time gets 409 session_conflict with Retry-After, which a client honours.
    let retried = 0;
    const answers = await Promise.all(
      players.map(async (p) => {
        let a = await call(p);
        for (let attempt = 0; attempt < 2 && a.status === 409 && a.body?.error_code === 'session_conflict'; attempt++) {
          retried++;
          await new Promise((r) => setTimeout(r, Number(a.headers['retry-after'] ?? 1) * 1000));
          a = await call(p);
        }
        return a;
      }),
    );
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
    const ids = [...new Set(answers.map((a) => a.body.session_id as string))];
    const sessions = await Promise.all(ids.map((id) => store.readSessionWithPlayers(id, new Date())));
    const seated = sessions.flatMap((s) => s!.players.map((p) => p.playerUuid));
    for (const s of sessions) expect(s!.players.length).toBeLessThanOrEqual(4);
    expect(new Set(seated).size).toBe(seated.length);
    expect(seated.filter((u) => players.some((p) => p.uuid === u))).toHaveLength(200);
    console.log(`create-or-join stampede: 200 players in ${ids.length} sessions (${retried} retried after a 409)`);
    expect(ids.length).toBeLessThanOrEqual(56);
  });
});
