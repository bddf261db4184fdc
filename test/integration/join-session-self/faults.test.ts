// Faults: a misconfigured container, an unreachable DynamoDB, an unreachable JWKS, lost races and conflicts.
// DynamoDB Local cannot lose a race on demand nor throw TransactionConflict or throttling errors, so two named
// injectors stand in for those: RaceInjector (a real competing write lands between our read and our write)
// the SDK fault injector (an SDK middleware that throws the error DynamoDB would), and LifecycleInjector (the session
// expires, is deleted or re-created between our read and our write: time and DynamoDB's TTL do not run on demand).
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { api } from '../../support/api-client.js';
import { testTableName } from '../../support/dynamodb.js';
import { closedPort, withEnv } from '../../support/environment.js';
import { joinRequest, seatedPlayer } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { sdkFaultStore, throttled, transactionConflict, withStore } from '../../support/sdk-faults.js';
import { decorate } from '../../support/decorate.js';
import { createSession, store, testClient } from '../../support/stores.js';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { nowSeconds } from '../../../src/dynamodb/table.js';
import { ApiError } from '../../../src/errors/api-error.js';
import type { JoinRequest, Session } from '../../../src/sessions/model/session.js';
import { joinSession } from '../../../src/sessions/operations/join-session.js';
import { removePlayer } from '../../../src/sessions/operations/remove-player.js';
import { updatePlayer } from '../../../src/sessions/operations/update-player.js';
import type { ConditionMode } from '../../../src/sessions/store.js';

const request = (playerUuid: string = randomUUID(), over: Partial<JoinRequest> = {}): JoinRequest => joinRequest(playerUuid, over);

/** RaceInjector: before each of our commits, the next competing write really lands, so our condition fails. */
function raceInjector(races: readonly (() => Promise<unknown>)[]) {
  const injector = {
    races: 0,
    store: decorate(store, {
      async commitChange(read, change, mode, now) {
        const race = races[injector.races];
        if (race) {
          injector.races++;
          await race();
        }
        return store.commitChange(read, change, mode, now);
      },
    }),
  };
  return injector;
}

/** `n` races, each another player's join landing. */
const joinsOf = (sessionId: string, n: number) => Array.from({ length: n }, () => () => joinSession(store, sessionId, request()));

/** A session its leader already leads, so that every join below decides "member" and guards on the leader. */
const ledSession = (teamSize: number) => createSession({ teamSizes: [teamSize] }, [seatedPlayer(randomUUID(), { status: 'leader' })]);

type LifecycleEvent = 'expire' | 'delete' | 'recreate';

/**
 * LifecycleInjector: between our read and our first write, the session's life changes under us. "expire": its
 * time-to-live runs out (its expiry moves to the moment of our write, as the clock passing it would); "delete":
 * DynamoDB's TTL removes its item; "recreate": the id is deleted and created again (a new incarnation at the very
 * version we read, so only the incarnation tells them apart).
 */
function lifecycleInjector(event: LifecycleEvent) {
  const db = testClient();
  const injector = {
    fired: false,
    recreated: undefined as Session | undefined,
    store: decorate(store, {
      async commitChange(read, change, mode, now) {
        if (!injector.fired) {
          injector.fired = true;
          const Key = sessionKey(read.sessionId);
          if (event === 'expire')
            await db.send(
              new UpdateCommand({
                TableName: testTableName(),
                Key,
                UpdateExpression: 'SET expires_at = :now',
                ExpressionAttributeValues: { ':now': nowSeconds(now) },
              }),
            );
          else await db.send(new DeleteCommand({ TableName: testTableName(), Key }));
          if (event === 'recreate')
            injector.recreated = await createSession({ sessionId: read.sessionId, teamSizes: read.teams.map((t) => t.maxSize) });
        }
        return store.commitChange(read, change, mode, now);
      },
    }),
  };
  return injector;
}

describe('configuration and reachability', () => {
  test('a missing setting: 500 configuration_invalid in the envelope', () =>
    withEnv({ SESSIONS_TABLE_NAME: undefined }, async () => {
      const p = newPlayer();
      const r = await api.join(p, 'x');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ auth_success: true, error_code: 'configuration_invalid', desc: 'The service is misconfigured' });
    }));

  test('DynamoDB unreachable: 503 service_unavailable with Retry-After', async () => {
    const s = await createSession();
    await withEnv({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }, async () => {
      const p = newPlayer();
      const r = await api.join(p, s.sessionId);
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ auth_success: true, error_code: 'service_unavailable' });
    });
  });

  test('JWKS unreachable: fail closed with 503 auth_keys_unavailable', async () => {
    const s = await createSession();
    await withEnv({ AUTH_JWKS: undefined, AUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json` }, async () => {
      const p = newPlayer();
      const r = await api.join(p, s.sessionId);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ error_code: 'auth_keys_unavailable' });
      expect(r.headers['retry-after']).toBeDefined();
    });
  });
});

describe('lost races (RaceInjector)', () => {
  test('a join that loses a race decides again with the state that won, and still lands', async () => {
    const s = await ledSession(10);
    const racing = raceInjector(joinsOf(s.sessionId, 5));
    const out = await joinSession(racing.store, s.sessionId, request());
    // Lost on the version, then committed on the facts although a second race landed in between.
    expect(out.attempts).toBe(2);
    expect(racing.races).toBe(2);
    expect(out.result.status).toBe('member');
    const after = await store.readSessionWithPlayers(s.sessionId, new Date());
    expect(after?.players).toHaveLength(4);
    expect(after?.session.version).toBe(s.version + 3);
    // The ETag it returns names a state that includes the join (read back after the write).
    expect(out.etag).toBe(`"${s.incarnation}-${after?.session.version}"`);
  });

  test('the race that takes the last seat turns the join into team_full', async () => {
    const s = await ledSession(2);
    await expect(joinSession(raceInjector(joinsOf(s.sessionId, 1)).store, s.sessionId, request())).rejects.toMatchObject({ code: 'team_full' });
  });

  test('with If-Match, a lost race is 412: the state the client named is gone', async () => {
    const s = await ledSession(10);
    await expect(
      joinSession(raceInjector(joinsOf(s.sessionId, 1)).store, s.sessionId, request(), {
        ifMatch: (etag) => etag === `"${s.incarnation}-${s.version}"`,
      }),
    ).rejects.toMatchObject({ code: 'precondition_failed' });
  });

  test('two would-be leaders: the one whose write is conditioned on the facts finds the leader seat taken and joins as a member', async () => {
    const s = await createSession({ teamSizes: [10] });
    const trusted = { playerUuid: 'service:game-server', trusted: true };
    const rival = request();
    const racing = raceInjector([
      // An invite: the version moves on, but the session still has no leader, so the retry again decides "leader".
      () => updatePlayer(store, s.sessionId, trusted, randomUUID(), { status: 'invited', teamId: 0, customData: {}, overflowAction: 'fail' }),
      // Then another player joins first and takes the lead, between that decision and its (facts) write.
      () => joinSession(store, s.sessionId, rival),
    ]);
    const out = await joinSession(racing.store, s.sessionId, request());
    expect(racing.races).toBe(2);
    expect(out.attempts).toBe(3);
    expect(out.result.status).toBe('member');
    const after = await store.readSessionWithPlayers(s.sessionId, new Date());
    expect(after?.session.leader).toBe(rival.playerUuid);
    expect(after?.players.filter((p) => p.status === 'leader').map((p) => p.playerUuid)).toEqual([rival.playerUuid]);
  });
});

describe('the session expires, is deleted or re-created between the read and the write (LifecycleInjector)', () => {
  const item = async (sessionId: string) =>
    (await testClient().send(new GetCommand({ TableName: testTableName(), Key: sessionKey(sessionId), ConsistentRead: true }))).Item;

  describe.each<ConditionMode>(['version', 'facts'])('a write conditioned on the %s', (strategy) => {
    test.each<LifecycleEvent>(['expire', 'delete'])('%s: the late write is refused (404) and does not bring the session back', async (event) => {
      const s = await createSession({ teamSizes: [4] });
      const injector = lifecycleInjector(event);
      await expect(joinSession(injector.store, s.sessionId, request(), { strategy })).rejects.toMatchObject({ code: 'session_not_found' });
      expect(injector.fired).toBe(true);
      expect(await store.readSession(s.sessionId, new Date())).toBeUndefined();
      const left = await item(s.sessionId);
      if (event === 'delete') expect(left).toBeUndefined();
      else expect(Number(left?.expires_at)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    });

    test('recreate: the write decided on the old incarnation is refused; the join is decided again on the new one', async () => {
      const s = await createSession({ teamSizes: [4] });
      const injector = lifecycleInjector('recreate');
      const joiner = request();
      const out = await joinSession(injector.store, s.sessionId, joiner, { strategy });
      const fresh = injector.recreated!;
      expect(fresh.version).toBe(s.version);
      expect(out.attempts).toBe(2);
      expect(out.etag).toBe(`"${fresh.incarnation}-${fresh.version + 1}"`);
      const after = await store.readSessionWithPlayers(s.sessionId, new Date());
      expect(after?.session.incarnation).toBe(fresh.incarnation);
      expect(after?.players.map((p) => p.playerUuid)).toEqual([joiner.playerUuid]);
      expect(after?.session.teams.map((t) => t.occupied)).toEqual([1]);
    });
  });

  test("a deletion a second after the writer's read: the writer's late write, on its own clock, still finds the session gone", async () => {
    const leader = randomUUID();
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(leader, { status: 'leader' })]);
    const readSecondEarlier = new Date(Date.now() - 1000);
    let left = false;
    const leaving = decorate(store, {
      async commitChange(read, change, mode, now) {
        if (!left) await removePlayer(store, s.sessionId, { playerUuid: leader, trusted: false }, leader);
        left = true;
        return store.commitChange(read, change, mode, now);
      },
    });
    await expect(joinSession(leaving, s.sessionId, request(), { strategy: 'facts', clock: () => readSecondEarlier })).rejects.toMatchObject({
      code: 'session_not_found',
    });
    expect(await store.readSession(s.sessionId, new Date())).toBeUndefined();
  });
});

describe('SDK fault injector', () => {
  test('TransactionConflict is retried with backoff, and the join lands once', async () => {
    const s = await createSession();
    const { store: faulty, calls } = sdkFaultStore(transactionConflict, { times: 2 });
    const out = await joinSession(faulty, s.sessionId, request());
    expect(calls.transactions).toBe(3);
    expect(out.attempts).toBe(3);
    const after = await store.readSessionWithPlayers(s.sessionId, new Date());
    expect(after?.players).toHaveLength(1);
    expect(after?.session.version).toBe(s.version + 1);
  });

  test('TransactionConflict every time: 409 session_conflict after bounded attempts, nothing written', async () => {
    const s = await createSession();
    const { store: faulty, calls } = sdkFaultStore(transactionConflict);
    const err = await joinSession(faulty, s.sessionId, request(), { maxAttempts: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('session_conflict');
    expect(calls.transactions).toBe(5);
    expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version);
  });

  test('retries run out: 409 session_conflict with Retry-After, through the handler', async () => {
    const s = await createSession();
    const r = await withStore(sdkFaultStore(transactionConflict).store, () => api.join(newPlayer(), s.sessionId));
    expect(r.status).toBe(409);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.body).toMatchObject({ auth_success: true, error_code: 'session_conflict' });
    expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version);
  });

  describe('a snapshot read (TransactGetItems) cancelled by transactions in flight on its items', () => {
    const snapshotConflict = () =>
      new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] });

    test('is read again: a retried join that changes nothing still answers 200 with the current ETag', async () => {
      const s = await createSession();
      const me = request();
      await joinSession(store, s.sessionId, me);
      const { store: faulty, calls } = sdkFaultStore(snapshotConflict, { commands: /TransactGet/, times: 2 });
      const again = await joinSession(faulty, s.sessionId, me);
      expect(again).toMatchObject({ written: false, etag: `"${s.incarnation}-${s.version + 1}"` });
      expect(calls.transactions).toBe(3);
    });

    test('every time: a join that changes nothing answers 409 (retryable); a facts-conditioned join that committed answers without an ETag, never an error', async () => {
      const s = await createSession();
      const me = request();
      await joinSession(store, s.sessionId, me);
      const { store: faulty } = sdkFaultStore(snapshotConflict, { commands: /TransactGet/ });
      await expect(joinSession(faulty, s.sessionId, me)).rejects.toMatchObject({ code: 'session_conflict', status: 409 });
      const other = await joinSession(faulty, s.sessionId, request(), { strategy: 'facts' });
      expect(other).toMatchObject({ written: true, attempts: 1 });
      expect(other.etag).toBeUndefined();
      expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version + 2);
    });
  });

  test('throttling: 503 service_unavailable, never a 500', async () => {
    const s = await createSession();
    const { store: faulty } = sdkFaultStore(throttled);
    await expect(joinSession(faulty, s.sessionId, request())).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
  });
});
