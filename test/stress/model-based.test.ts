// Model-based concurrency test: fast-check generates programs of joins, leaves, invites and reservations, accepts,
// kicks, swaps, moves (every overflow action, overfill included), promotions (through the player update or the v2
// operations), session updates, deletions, writes with If-Match, the session's expiry and its id deleted and created
// again, on sessions with invited and reserved players, auto-join or not; and the clock: sessions with a culling
// timeout of a second, players' own polls, pauses in which everyone is silent, runs of the culling sweep. 2-3
// clients run each program's lanes concurrently through the real handlers against DynamoDB Local, on a table of the
// suite's own; then model-harness.ts checks the invariants and replays the committed history through the pure rules.
//
// Budget: MODEL_RUNS programs (default 200 in `npm test`; `npm run stress` sets thousands). Seeded: MODEL_SEED
// (default a new one per run) is printed with the summary and on failure with the counterexample, for a replay.
// The table of the suite's own is named first, before any module reads its name.
import '../support/own-table.js';
import { api } from '../support/api-client.js';
import { joinRequest, seatedPlayer } from '../support/fixtures.js';
import { newPlayer } from '../support/players.js';
import { createSession, store } from '../support/stores.js';
import { writeFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { joinSession } from '../../src/sessions/operations/join-session.js';
import { removePlayer } from '../../src/sessions/operations/remove-player.js';
import { updatePlayer as updatePlayerOf } from '../../src/sessions/operations/update-player.js';
import { updateSession as updateSessionOf } from '../../src/sessions/operations/update-session.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { decorate } from '../support/decorate.js';
import { withStore } from '../support/sdk-faults.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getServices } from '../../src/runtime/services.js';
import { programArb, runProgram, type Op, type ProgramResult, type SessionSetup } from './model-harness.js';

const RUNS = Number(process.env.MODEL_RUNS ?? 200);
// A new seed every run unless MODEL_SEED names one: each run explores new programs, and the seed, printed in the
// test's name and summary, replays a failure.
const SEED = Number(process.env.MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MAX_OPS = Number(process.env.MODEL_MAX_OPS ?? 8);
const MAX_LANES = Number(process.env.MODEL_MAX_LANES ?? 3);
// A counterexample from concurrent runs does not always reproduce: shrinking is opt-in (MODEL_SHRINK=1).
const SHRINK = process.env.MODEL_SHRINK === '1';

const totals = {
  programs: 0,
  ops: 0,
  committed: 0,
  unchanged: 0,
  conflicts: 0,
  floating: 0,
  snapshots: 0,
  delegated: 0,
  sweepCulls: 0,
  rejected: {} as Record<string, number>,
  met: {} as Record<string, number>,
  conflictDetails: [] as unknown[],
};
function add(r: ProgramResult) {
  totals.programs++;
  totals.ops += r.ops;
  totals.committed += r.committed;
  totals.unchanged += r.unchanged;
  totals.conflicts += r.conflicts;
  totals.conflictDetails.push(...r.conflictDetails);
  totals.floating += r.floating;
  totals.snapshots += r.snapshots;
  totals.delegated += r.delegated;
  totals.sweepCulls += r.sweepCulls;
  for (const [code, n] of Object.entries(r.rejected)) totals.rejected[code] = (totals.rejected[code] ?? 0) + n;
  for (const [what, n] of Object.entries(r.met)) totals.met[what] = (totals.met[what] ?? 0) + n;
}

// The service logs and publishes metrics on every request: thousands of lines per run, which the programs do not
// read. Silenced (and so not slowing jest down); the summary goes out through the console kept aside.
const print = console.log.bind(console);
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});

afterAll(() => {
  const line =
    `model-based: ${totals.programs} programs, ${totals.ops} operations held (${totals.committed} committed, ${totals.unchanged} unchanged, ` +
    `${totals.ops - totals.committed - totals.unchanged} refused; ${totals.floating} facts-conditioned commits ordered by search; ` +
    `${totals.snapshots} observed states matched the replay; ${totals.delegated} acts by a session permission; ${totals.sweepCulls} culls by the sweep; 409s: ${totals.conflicts}); seed ${SEED}`;
  print(`${line}\nrefusals by code: ${JSON.stringify(totals.rejected)}\nprograms that met: ${JSON.stringify(totals.met)}`);
  if (totals.conflictDetails.length)
    print(
      `409 answers:\n${totals.conflictDetails
        .slice(0, 5)
        .map((d) => JSON.stringify(d))
        .join('\n')}`,
    );
  if (process.env.MODEL_SUMMARY_FILE) writeFileSync(process.env.MODEL_SUMMARY_FILE, JSON.stringify({ seed: SEED, ...totals }));
});

test("the programs run on a table of their own, out of other suites' sweeps: the handlers' and the test stores' both", () => {
  expect(getServices().config.tableName).toMatch(/^sessions-own-/);
  expect(testTableName()).toBe(getServices().config.tableName);
});

test(
  `random concurrent programs keep every invariant and linearize (${RUNS} programs, seed ${SEED})`,
  async () => {
    await fc.assert(
      fc.asyncProperty(programArb({ maxOps: MAX_OPS, maxLanes: MAX_LANES }), async (program) => {
        add(await runProgram(program));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: !SHRINK, verbose: 1 },
    );
    // A budget this size meets each case the generator was widened to; if one stops coming up, the test says so.
    if (RUNS >= 100) expect(Object.keys(totals.met).filter((what) => totals.met[what] === 0)).toEqual([]);
  },
  Math.max(60_000, RUNS * 2_000),
);

/** The setup of a fixed program: an open session of two teams, no auto-join, ended by its last player leaving. */
const fixedSetup = (over: Partial<SessionSetup> & Pick<SessionSetup, 'seated' | 'party'>): SessionSetup => ({
  sizes: [2, 2],
  joinable: true,
  canChangeOwnTeam: true,
  keepAliveOnEmpty: false,
  autoJoin: false,
  ...over,
});

// Members acting on others by session permissions need two members, a permission and a free seat at once: rare in
// random programs, so these programs set it up and race it (a permission removed, the leader leaving, a kick).
test('members act on others by session permissions while those permissions are given and taken, concurrently', async () => {
  const seated = (status: 'member' | 'invited', team: number, permissions?: ('invite' | 'kick' | 'move')[]) => ({
    status,
    team,
    ...(permissions ? { permissions } : {}),
  });
  const setup = fixedSetup({
    sizes: [3, 3],
    seated: [seated('member', 0), seated('member', 0, ['invite', 'kick', 'move']), seated('member', 1, ['move']), seated('invited', 1)],
    party: [3],
  });
  let delegated = 0;
  const programs: Op[][][] = [
    [[{ kind: 'kick', actor: 1, target: 2 }], [{ kind: 'permission', actor: 0, target: 1, permission: 'kick', give: false }]],
    [[{ kind: 'move', actor: 1, target: 2, team: 0, overflow: 'fail' }], [{ kind: 'kick', actor: 1, target: 3 }], [{ kind: 'leave', actor: 0 }]],
    [
      [
        { kind: 'move', actor: 2, target: 1, team: 1, overflow: 'fail' },
        { kind: 'invite', actor: 1, target: 3, team: 0, status: 'invited', overflow: 'fail' },
      ],
      [
        { kind: 'permission', actor: 1, target: 2, permission: 'kick', give: true },
        { kind: 'kick', actor: 2, target: 1 },
      ],
    ],
  ];
  for (let round = 0; round < 3; round++)
    for (const lanes of programs) {
      const r = await runProgram({ setup, lanes });
      add(r);
      delegated += r.delegated;
    }
  expect(delegated).toBeGreaterThanOrEqual(3);
}, 60_000);

// Whole parties come and go while their members accept, leave and join on their own, and seats run short: the
// invites and kicks of a party are version-conditioned batches, each one state, racing single-player changes.
test('whole parties invited and kicked while their members accept invites and others join, concurrently', async () => {
  const absent = { status: 'absent' as const, team: 0 };
  const setup = fixedSetup({ seated: [{ status: 'member' as const, team: 0 }, absent, absent, absent], party: [1, 2, 3] });
  const join = (actor: number, team: number): Op => ({ kind: 'join', actor, team, profile: 0, data: 0, wishLeader: false });
  const programs: Op[][][] = [
    [[{ kind: 'partyInvite', actor: 0, team: 1, overflow: 'allow_overflow' }], [join(1, 1)], [join(2, 0)]],
    [[{ kind: 'partyInvite', actor: 2, team: 0, overflow: 'partial_with_overflow' }], [{ kind: 'partyKick', actor: 0 }]],
    [
      [{ kind: 'partyInvite', actor: 0, team: 0, overflow: 'overfill' }, join(2, 0), { kind: 'partyKick', actor: 0 }],
      [join(3, 1), { kind: 'leave', actor: 3 }],
    ],
  ];
  const met = { invited: 0, kicked: 0 };
  for (let round = 0; round < 3; round++)
    for (const lanes of programs) {
      const r = await runProgram({ setup, lanes });
      add(r);
      met.invited += r.met.partyInviteCommitted;
      met.kicked += r.met.partyKickCommitted;
    }
  expect(met.invited).toBeGreaterThanOrEqual(3);
  expect(met.kicked).toBeGreaterThanOrEqual(3);
}, 60_000);

// Silent players culled while the others join into the seats they held, leave, kick and promote: each cull is one
// change of its own, written by whichever request found it due, and the history still linearizes.
test('silent players culled while others join into their seats, leave, kick and promote, concurrently', async () => {
  const member = (team: number) => ({ status: 'member' as const, team });
  const setup = fixedSetup({ seated: [member(0), member(0), member(1), { status: 'absent' as const, team: 0 }], party: [1], cullSeconds: 1 });
  const join = (actor: number, team: number): Op => ({ kind: 'join', actor, team, profile: 0, data: 0, wishLeader: false });
  const programs: Op[][][] = [
    [[join(3, 0), join(3, 0)], [join(1, 0), { kind: 'leave', actor: 1 }], [{ kind: 'kick', actor: 0, target: 2 }]],
    [
      [{ kind: 'promote', actor: 0, target: 1, team: 0, overflow: 'fail' }, join(3, 1)],
      [join(2, 1), join(0, 0)],
    ],
  ];
  let culled = 0;
  for (let round = 0; round < 3; round++)
    for (const lanes of programs) {
      const r = await runProgram({ setup, lanes });
      add(r);
      culled += r.met.culled;
    }
  expect(culled).toBeGreaterThanOrEqual(3);
}, 60_000);

// The clock, timed so that the sweep finds culls nobody read (T = 1 s; seated 0, 0.5 and 1 s before the start, so
// players 2 and 1 are due at once and at 0.5 s): player 0 polls every 0.5 s from 0.25 s (well inside 3T/4) and keeps
// their seat; the sweep at 0.55 s writes player 1's cull before the next poll reads it; player 3 joins a culled seat
// and, silent from then on, is culled by the later sweep. Whatever the timing does, the invariants hold.
test('the sweep culls silent players nobody read while a polling player keeps their seat and others join into the culled seats', async () => {
  const member = (team: number) => ({ status: 'member' as const, team });
  const setup = fixedSetup({ seated: [member(0), member(0), member(1), { status: 'absent' as const, team: 0 }], party: [1], cullSeconds: 1 });
  const join = (actor: number, team: number): Op => ({ kind: 'join', actor, team, profile: 0, data: 0, wishLeader: false });
  const poll: Op = { kind: 'poll', actor: 0, ifNoneMatch: true };
  const pause = (ms: number): Op => ({ kind: 'pause', actor: 0, ms });
  const lanes: Op[][] = [
    [pause(250), poll, pause(500), poll, pause(500), poll, join(1, 0)],
    [{ kind: 'sweep', actor: 0, afterMs: 550 }, join(3, 0)],
    [{ kind: 'sweep', actor: 0, afterMs: 1700 }],
  ];
  let sweepCulls = 0;
  let polled = 0;
  for (let round = 0; round < 3; round++) {
    const r = await runProgram({ setup, lanes }, { observeBetweenSteps: false });
    add(r);
    sweepCulls += r.sweepCulls;
    polled += r.met.polled;
  }
  expect(polled).toBeGreaterThanOrEqual(6);
  expect(sweepCulls).toBeGreaterThanOrEqual(1);
}, 60_000);

// What the programs found, each reduced to its smallest case and replayed deterministically by a decorated store.
describe('regressions found by the model-based programs', () => {
  /** BatchGetItem may read the player items, let a change land, then read the session item: this one always does. */
  const playersReadFirst = (between: () => Promise<unknown>) => {
    let torn = false;
    return decorate(store, {
      async readSessionAndPlayers(sessionId, playerUuids, now) {
        if (torn) return store.readSessionAndPlayers(sessionId, playerUuids, now);
        torn = true;
        const { players } = await store.readSessionAndPlayers(sessionId, playerUuids, now);
        await between();
        const { session } = await store.readSessionAndPlayers(sessionId, [], now);
        return { session, players };
      },
    });
  };

  test("a member's own wish to lead, while someone else leads, leaves them a member: never a second leader", async () => {
    // For a player acting on themselves without authority, `leader` is a wish, as on a join.
    const [leader, player] = [newPlayer(), newPlayer()];
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
    const r = await api.setPlayer(player, s.sessionId, player.uuid, { status: 'leader', team_id: 0 });
    const g = await api.get(leader, s.sessionId);
    const shown = g.body.teams[0].players.map((p: { player_uuid: string; status: string }) => [p.player_uuid, p.status]);
    const stored = await store.readSession(s.sessionId, new Date());
    expect({ status: r.status, answered: r.body.status, leaderAttribute: stored?.leader, shown: Object.fromEntries(shown) }).toEqual({
      status: 200,
      answered: 'member',
      leaderAttribute: leader.uuid,
      shown: { [leader.uuid]: 'leader', [player.uuid]: 'member' },
    });
  });

  test('a retried join reading the session before its first attempt lands answers the ETag of a state in which it holds', async () => {
    // BatchGetItem is read-committed per item, not a snapshot: the session item may be older than the player items.
    // The torn read below reads the session item, lets the same join land, then reads the players.
    const tornRead = (between: () => Promise<unknown>) => {
      let torn = false;
      return decorate(store, {
        async readSessionAndPlayers(sessionId, playerUuids, now) {
          if (torn) return store.readSessionAndPlayers(sessionId, playerUuids, now);
          torn = true;
          const { session } = await store.readSessionAndPlayers(sessionId, [], now);
          await between();
          const { players } = await store.readSessionAndPlayers(sessionId, playerUuids, now);
          return { session, players };
        },
      });
    };
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(newPlayer().uuid, { status: 'leader' })]);
    const req = joinRequest(newPlayer().uuid);
    // The player's first join lands while their retry (same request) is reading.
    const retry = await joinSession(
      tornRead(() => joinSession(store, s.sessionId, req)),
      s.sessionId,
      req,
    );
    const after = await store.readSession(s.sessionId, new Date());
    expect(after?.version).toBe(s.version + 1);
    expect({ written: retry.written, status: retry.result.status, etag: retry.etag }).toEqual({
      written: false,
      status: 'member',
      etag: `"${s.incarnation}-${s.version + 1}"`,
    });
  });

  test('a promotion whose second read finds the lead changed reads and decides again, as after a lost race, instead of a 409', async () => {
    // The first read lacks the leader's item, so the promotion reads again (target, leader); the lead changes in
    // between, so that read shows a new leader with the old one's item.
    const leadChangesBetweenReads = (between: () => Promise<unknown>) => {
      let reads = 0;
      return decorate(store, {
        async readSessionAndPlayers(sessionId, playerUuids, now) {
          if (++reads === 2) await between();
          return store.readSessionAndPlayers(sessionId, playerUuids, now);
        },
      });
    };
    const [leader, heir, target, admin] = [newPlayer().uuid, newPlayer().uuid, newPlayer().uuid, newPlayer().uuid];
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(leader, { status: 'leader' }), seatedPlayer(heir), seatedPlayer(target)]);
    const handOver = () =>
      updatePlayerOf(store, s.sessionId, { playerUuid: leader, trusted: false }, heir, {
        status: 'leader',
        teamId: 0,
        customData: {},
        overflowAction: 'fail',
      });
    const racing = leadChangesBetweenReads(handOver);
    const outcome = await updatePlayerOf(racing, s.sessionId, { playerUuid: admin, trusted: true }, target, {
      status: 'leader',
      teamId: 0,
      customData: {},
      overflowAction: 'fail',
    }).then(
      (o) => ({ status: o.result.status }),
      (e: { code?: string }) => ({ error: e.code }),
    );
    expect(outcome).toEqual({ status: 'leader' });
  });

  /** A PATCH of the session's custom_data; right after it commits, the leader (its only player) leaves and the session ends. */
  async function patchThenLeaderLeaves() {
    const leader = newPlayer();
    const s = await createSession({ teamSizes: [4], keepAliveOnEmpty: false }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
    const deleteAfterCommit = decorate(store, {
      async commitChange(read, change, mode, now) {
        const out = await store.commitChange(read, change, mode, now);
        if (out.ok && change.event === 'Session Updated')
          await removePlayer(store, s.sessionId, { playerUuid: leader.uuid, trusted: false }, leader.uuid);
        return out;
      },
    });
    const answer = await withStore(deleteAfterCommit, () => api.patch(leader, s.sessionId, { custom_data: { mode: 'ranked' } }));
    return { s, answer };
  }

  test('a session update that committed answers 200 even when its session is deleted before the read-back', async () => {
    // Once the update has committed, the leader leaves and the session ends: the answer must not call it refused.
    const { s, answer } = await patchThenLeaderLeaves();
    const { Item } = await testDocumentClient().send(
      new GetCommand({ TableName: testTableName(), Key: { pk: `S#${s.sessionId}`, sk: '#SESSION' }, ConsistentRead: true }),
    );
    // The update and the leave both committed...
    expect({ version: Item?.version, customData: Item?.custom_data }).toEqual({ version: s.version + 2, customData: { mode: 'ranked' } });
    // ...yet the update was answered as refused.
    expect(answer.status).toBe(200);
  });

  test('a retried join reading the players before a kick lands answers the ETag of a state in which it holds', async () => {
    // The other direction of a torn read: the player item is older than the session item (here the player was kicked
    // in between); the second read of an unchanged answer compares the players too, not only the version.
    const [leader, member] = [newPlayer().uuid, newPlayer().uuid];
    const seated = seatedPlayer(member);
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(leader, { status: 'leader' }), seated]);
    const req = joinRequest(member, { clientVersion: seated.clientVersion!, clientSettings: seated.clientSettings!, crossplay: seated.crossplay! });
    const kick = () => removePlayer(store, s.sessionId, { playerUuid: leader, trusted: false }, member);
    const retry = await joinSession(playersReadFirst(kick), s.sessionId, req);
    const now = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect({ etag: retry.etag, memberInThatState: now.players.some((p) => p.playerUuid === member) }).toEqual({
      etag: `"${now.session.incarnation}-${now.session.version}"`,
      memberInThatState: true,
    });
  });

  test('a session update whose session is deleted before the read-back answers 200 with no ETag, which would name a state with players', async () => {
    const { answer } = await patchThenLeaderLeaves();
    // The update wrote version + 1, in which the leader was still there; their leave wrote version + 2 and deleted
    // the session. The answer cannot show version + 1's players any more, so it names no state: 200, no ETag.
    expect(answer.status).toBe(200);
    expect(answer.headers.etag).toBeUndefined();
    expect(answer.body.custom_data).toEqual({ mode: 'ranked' });
  });

  test('an allow_overflow placement guards the full teams it skipped, so a retry after one frees up lands there', async () => {
    // The placement rests on the asked team and every lower team being full: a retry conditioned on the facts must
    // not commit past a team that freed up. Here the first attempt loses to an unrelated update, and before the
    // second is written the invited player of team 1 leaves.
    const [leader, guest, newcomer, admin] = [newPlayer().uuid, newPlayer().uuid, newPlayer().uuid, newPlayer().uuid];
    const s = await createSession({ teamSizes: [1, 1, 1] }, [
      seatedPlayer(leader, { status: 'leader' }),
      seatedPlayer(guest, {
        status: 'invited',
        teamId: 1,
        joined: undefined,
        clientVersion: undefined,
        clientSettings: undefined,
        crossplay: undefined,
      }),
    ]);
    const trusted = { playerUuid: admin, trusted: true };
    let commits = 0;
    const interleaved = decorate(store, {
      async commitChange(read, change, mode, now) {
        commits++;
        // Before the first attempt: an unrelated update lands, so the version-conditioned attempt loses.
        if (commits === 1) await updateSessionOf(store, s.sessionId, trusted, { customData: { round: '2' } });
        // Before the second (facts-conditioned) attempt: team 1's seat is given back.
        if (commits === 2) await removePlayer(store, s.sessionId, { playerUuid: guest, trusted: false }, guest);
        return store.commitChange(read, change, mode, now);
      },
    });
    await updatePlayerOf(interleaved, s.sessionId, trusted, newcomer, {
      status: 'member',
      teamId: 0,
      customData: {},
      overflowAction: 'allow_overflow',
    });
    const after = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(after.players.find((p) => p.playerUuid === newcomer)?.teamId).toBe(1);
  });

  test('an unchanged player update is confirmed against the target player, not only the version', async () => {
    // The target's item is read, then the invited player is made a member, then the session item at the new version:
    // a repeated invite must be refused (the player is active now) or carry the ETag of a state in which it holds.
    const [leader, guest] = [newPlayer().uuid, newPlayer().uuid];
    const s = await createSession({ teamSizes: [4] }, [
      seatedPlayer(leader, { status: 'leader' }),
      seatedPlayer(guest, {
        status: 'invited',
        joined: undefined,
        clientVersion: undefined,
        clientSettings: undefined,
        crossplay: undefined,
        invitedBy: leader,
      }),
    ]);
    const asLeader = { playerUuid: leader, trusted: false };
    const admit = () => updatePlayerOf(store, s.sessionId, asLeader, guest, { status: 'member', teamId: 0, customData: {}, overflowAction: 'fail' });
    const outcome = await updatePlayerOf(playersReadFirst(admit), s.sessionId, asLeader, guest, {
      status: 'invited',
      teamId: 0,
      customData: {},
      overflowAction: 'fail',
    }).then(
      (o) => ({ answered: o.result.status, etag: o.etag }),
      (e: { code?: string }) => ({ refused: e.code }),
    );
    const now = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    const inThatState =
      'etag' in outcome && outcome.etag === `"${now.session.incarnation}-${now.session.version}"`
        ? now.players.find((p) => p.playerUuid === guest)?.status
        : undefined;
    // Either refused, or the state its ETag names has the guest as answered.
    const consistent = 'refused' in outcome || outcome.answered === inThatState;
    expect(consistent ? 'consistent' : { outcome, guestInTheStateItsEtagNames: inThatState ?? '(the ETag names an earlier state)' }).toBe(
      'consistent',
    );
  });
});
