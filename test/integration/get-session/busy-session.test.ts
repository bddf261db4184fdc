// A session too large for one page of DynamoDB's Query, read while changes keep landing: GET answers 200 with every
// player listed once, under a weak ETag of what it shows (it cannot name one state); quiet again, a strong ETag.
import { randomUUID } from 'node:crypto';
import { joinSession } from '../../../src/sessions/operations/join-session.js';
import { api } from '../../support/api-client.js';
import { joinRequest, seatedPlayer } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { withStore } from '../../support/sdk-faults.js';
import { seedSession, store, storeOn, testClient } from '../../support/stores.js';

/** Custom data of about 3.2 KB, so that 400 players take more than one 1 MB page. */
const bulky = (i: number) => Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`k${k}`, `${i}-${'x'.repeat(800)}`]));

/** A store whose every first page of a Query is followed by a real join into the session: the pages never settle. */
function storeWritingBetweenPages(sessionId: string) {
  const db = testClient();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const page = (out.output ?? {}) as { LastEvaluatedKey?: unknown };
      if (context.commandName === 'QueryCommand' && page.LastEvaluatedKey) await joinSession(store, sessionId, joinRequest(randomUUID()));
      return out;
    },
    { step: 'initialize', name: 'writeBetweenPages' },
  );
  return storeOn(db);
}

test('a GET whose pages keep straddling changes answers 200: every seated player once, a weak ETag that follows the content', async () => {
  const seated = Array.from({ length: 400 }, (_, i) => seatedPlayer(randomUUID(), { status: i === 0 ? 'leader' : 'member', customData: bulky(i) }));
  const s = await seedSession({ teamSizes: [1000] }, seated);
  const reader = newPlayer();
  const busy = await withStore(storeWritingBetweenPages(s.sessionId), () => api.get(reader, s.sessionId));
  expect(busy.status).toBe(200);
  expect(busy.headers.etag).toMatch(/^W\/"/);
  const listed: string[] = busy.body.teams.flatMap((t: { players: { player_uuid: string }[] }) => t.players.map((p) => p.player_uuid));
  expect(new Set(listed).size).toBe(listed.length);
  for (const p of seated) expect(listed).toContain(p.playerUuid);

  // The joins that landed during the read changed what a GET shows: the weak ETag no longer matches it.
  expect((await api.get(reader, s.sessionId, { headers: { 'if-none-match': busy.headers.etag! } })).status).toBe(200);
  // Quiet again: one state, its version's strong ETag.
  const quiet = await api.get(reader, s.sessionId);
  expect(quiet.headers.etag).toMatch(/^"/);
  expect((await api.get(reader, s.sessionId, { headers: { 'if-none-match': quiet.headers.etag! } })).status).toBe(304);
});
