// The session item has a budget for custom data (the session's and its teams' together) that no sequence of accepted
// updates can exceed: a leader with a game client's permissions cannot grow the item past what DynamoDB stores.
import { randomUUID } from 'node:crypto';
import { ERRORS } from '../../../src/errors/api-error.js';
import { SESSION_DATA_BUDGET_BYTES } from '../../../src/sessions/rules/session.js';
import { api } from '../../support/api-client.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

/** Custom data of about `kib` KiB, within the contract's caps (32 keys, values of up to 4096 characters). */
const data = (kib: number, tag: string) => Object.fromEntries(Array.from({ length: Math.ceil(kib / 4) }, (_, i) => [`${tag}${i}`, 'x'.repeat(4000)]));

test('updates that would take the session past its budget are refused with 403, nothing written; joins and smaller updates keep working', async () => {
  const leader = newPlayer();
  const s = await createSession({ teamSizes: [4, 4, 4] }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
  const accepted = [];
  for (const body of [{ teams: [{ custom_data: data(110, 'a') }, {}, {}] }, { teams: [{}, { custom_data: data(110, 'b') }, {}] }]) {
    const r = await api.patch(leader, s.sessionId, body);
    accepted.push(r.status);
  }
  expect(accepted).toEqual([200, 200]);
  const before = await store.readSession(s.sessionId, new Date());

  // A third ~110 KiB, for the session or another team, would pass the budget.
  for (const body of [{ custom_data: data(110, 'c') }, { teams: [{}, {}, { custom_data: data(110, 'c') }] }]) {
    const r = await api.patch(leader, s.sessionId, body);
    expect({ status: r.status, body: r.body }).toEqual({
      status: 403,
      body: { auth_success: true, error_code: 'session_data_too_large', desc: ERRORS.session_data_too_large.desc },
    });
  }
  expect(await store.readSession(s.sessionId, new Date())).toEqual(before);

  // The session still works: a join, a promotion, and an update that keeps within the budget.
  const p = newPlayer();
  expect((await api.join(p, s.sessionId, joinBody({ custom_data: data(100, 'p') }))).status).toBe(200);
  expect((await api.setPlayer(leader, s.sessionId, p.uuid, { status: 'leader', team_id: 0 })).status).toBe(200);
  expect((await api.patch(p, s.sessionId, { custom_data: data(20, 'd') })).status).toBe(200);
  // Replacing data frees its room: the first team's data given up, the third team's fits.
  expect((await api.patch(p, s.sessionId, { teams: [{ custom_data: { small: 'yes' } }, {}, { custom_data: data(110, 'e') }] })).status).toBe(200);
});

test(`the budget (${SESSION_DATA_BUDGET_BYTES / 1024} KiB) is checked on what the session would hold, not on the request alone`, async () => {
  const leader = newPlayer();
  const s = await createSession({ teamSizes: [4, 4, 4] }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
  // Each request is far below the body cap; together they would not be.
  for (const tag of ['a', 'b'])
    expect(
      (
        await api.patch(leader, s.sessionId, {
          teams: [{}, {}, {}].map((t, i) => (i === (tag === 'a' ? 0 : 1) ? { custom_data: data(120, tag) } : t)),
        })
      ).status,
    ).toBe(200);
  expect((await api.patch(leader, s.sessionId, { custom_data: data(30, randomUUID().slice(0, 4)) })).status).toBe(403);
});
