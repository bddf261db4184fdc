// GET of a large session that keeps changing: a 5,000-player session, one client writing about 12 times a second,
// another reading it over and over. Every read answers 200 with every seated player once, under a strong ETag
// when its pages settled on one state and a weak one when they did not (docs/api.md, "Get Session By Id").
// BUSY_GET_SECONDS sets how long the writes go on (6 by default; npm run stress runs it for a minute).
import { randomUUID } from 'node:crypto';
import { api } from '../support/api-client.js';
import { joinBody, seatedPlayer } from '../support/fixtures.js';
import { newPlayer } from '../support/players.js';
import { seedSession } from '../support/stores.js';

const SECONDS = Number(process.env.BUSY_GET_SECONDS ?? 6);
const PLAYERS = 5000;
const WRITES_PER_SECOND = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  `a ${PLAYERS}-player session under ${WRITES_PER_SECOND} writes a second: every GET answers 200, lists each seated player once (${SECONDS} s)`,
  async () => {
    const writer = newPlayer();
    const seated = Array.from({ length: PLAYERS }, (_, i) =>
      seatedPlayer(i === 0 ? writer.uuid : randomUUID(), {
        status: i === 0 ? 'leader' : 'member',
        customData: { loadout: `l${i}-${'x'.repeat(200)}` },
      }),
    );
    const s = await seedSession({ teamSizes: [PLAYERS + 100] }, seated);
    const reader = newPlayer();

    const until = Date.now() + SECONDS * 1000;
    let writes = 0;
    const writing = (async () => {
      for (let n = 0; Date.now() < until; n++) {
        const started = Date.now();
        const r = await api.join(writer, s.sessionId, joinBody({ custom_data: { round: String(n) } }));
        if (r.status !== 200) throw new Error(`the writer's update answered ${r.status}`);
        writes++;
        await sleep(Math.max(0, 1000 / WRITES_PER_SECOND - (Date.now() - started)));
      }
    })();
    const reads: { status: number; weak: boolean; ms: number }[] = [];
    const reading = (async () => {
      while (Date.now() < until) {
        const started = Date.now();
        const r = await api.get(reader, s.sessionId);
        reads.push({ status: r.status, weak: String(r.headers.etag).startsWith('W/'), ms: Date.now() - started });
        if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${r.raw}`);
        const listed: string[] = r.body.teams.flatMap((t: { players: { player_uuid: string }[] }) => t.players.map((p) => p.player_uuid));
        if (listed.length !== PLAYERS || new Set(listed).size !== PLAYERS)
          throw new Error(`GET listed ${listed.length} players, ${new Set(listed).size} of them distinct`);
      }
    })();
    await Promise.all([writing, reading]);
    console.log(
      `busy GET: ${reads.length} reads, ${reads.filter((r) => r.weak).length} under a weak ETag, slowest ${Math.max(...reads.map((r) => r.ms))} ms; ${writes} writes in ${SECONDS} s`,
    );
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((r) => r.status === 200)).toBe(true);
  },
  (SECONDS + 120) * 1000,
);
