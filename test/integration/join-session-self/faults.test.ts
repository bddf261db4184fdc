// Faults: a misconfigured container, an unreachable DynamoDB, an unreachable JWKS, lost races and conflicts.
// DynamoDB Local cannot lose a race on demand nor throw TransactionConflict or throttling errors, so two named
// injectors stand in for those: RaceInjector (a real competing write lands between our read and our write)
// and the SDK fault injector (an SDK middleware that throws the error DynamoDB would).
import { closedPort, withEnv } from '../../support/environment.js';
import { JOIN_ROUTE } from '../../support/api-client.js';
import { joinBody, joinRequest } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ApiError } from '../../../src/errors/api-error.js';
import { getServices } from '../../../src/runtime/services.js';
import { joinSession } from '../../../src/sessions/operations/join-session.js';
import type { JoinRequest } from '../../../src/sessions/model/session.js';
import { createDocumentClient } from '../../../src/dynamodb/client.js';
import { decorate, storeOn } from '../../support/stores.js';
import { httpApiEvent, invoke } from '../../support/api.js';

const { handler: join } = await import('../../../handlers/join-session-self.js');

const request = (playerUuid: string = randomUUID(), over: Partial<JoinRequest> = {}): JoinRequest => joinRequest(playerUuid, over);

/** RaceInjector: before each of our commits, another player's join really lands, so our condition fails. */
function raceInjector(racesToInject: number) {
  const injector = {
    races: 0,
    store: decorate(store, {
      async commitChange(read, change, mode, now) {
        if (injector.races < racesToInject) {
          injector.races++;
          await joinSession(store, read.sessionId, request());
        }
        return store.commitChange(read, change, mode, now);
      },
    }),
  };
  return injector;
}

/** SDK fault injector: the next `times` TransactWriteItems calls fail with `error` before reaching DynamoDB. */
function storeWithSdkFaults(error: () => Error, times: number) {
  const db = createDocumentClient({ region: 'local', endpoint: process.env.DYNAMODB_ENDPOINT });
  let left = times;
  const calls = { transactions: 0 };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (/TransactWrite/.test(context.commandName ?? '')) {
        calls.transactions++;
        if (left-- > 0) throw error();
      }
      return next(args);
    },
    { step: 'initialize', name: 'sdkFaultInjector' },
  );
  return { store: storeOn(db), calls };
}

const transactionConflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('configuration and reachability', () => {
  test('a missing setting: 500 configuration_invalid in the envelope', () =>
    withEnv({ SESSIONS_TABLE_NAME: undefined }, async () => {
      const p = newPlayer();
      const r = await invoke(
        join,
        httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: 'x' }, headers: p.auth, body: joinBody() }),
      );
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ auth_success: true, error_code: 'configuration_invalid', desc: 'The service is misconfigured' });
    }));

  test('DynamoDB unreachable: 503 service_unavailable with Retry-After', async () => {
    const s = await createSession();
    await withEnv({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }, async () => {
      const p = newPlayer();
      const r = await invoke(
        join,
        httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: s.sessionId }, headers: p.auth, body: joinBody() }),
      );
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ auth_success: true, error_code: 'service_unavailable' });
    });
  });

  test('JWKS unreachable: fail closed with 503 auth_keys_unavailable', async () => {
    const s = await createSession();
    await withEnv({ AUTH_JWKS: undefined, AUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json` }, async () => {
      const p = newPlayer();
      const r = await invoke(
        join,
        httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: s.sessionId }, headers: p.auth, body: joinBody() }),
      );
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ error_code: 'auth_keys_unavailable' });
      expect(r.headers['retry-after']).toBeDefined();
    });
  });
});

describe('lost races (RaceInjector)', () => {
  test('a join that loses a race decides again with the state that won, and still lands', async () => {
    const s = await createSession({ teamSizes: [10] });
    const racing = raceInjector(5);
    const out = await joinSession(racing.store, s.sessionId, request());
    // Lost on the version, then committed on the facts although a second race landed in between.
    expect(out.attempts).toBe(2);
    expect(racing.races).toBe(2);
    const after = await store.readSessionWithPlayers(s.sessionId, new Date());
    expect(after?.players).toHaveLength(3);
    expect(after?.session.version).toBe(s.version + 3);
    // The ETag it returns names a state that includes the join (read back after the write).
    expect(out.etag).toBe(`"${s.incarnation}-${after?.session.version}"`);
  });

  test('the race that takes the last seat turns the join into team_full', async () => {
    const s = await createSession({ teamSizes: [1] });
    await expect(joinSession(raceInjector(1).store, s.sessionId, request())).rejects.toMatchObject({ code: 'team_full' });
  });

  test('with If-Match, a lost race is 412: the state the client named is gone', async () => {
    const s = await createSession({ teamSizes: [10] });
    await expect(
      joinSession(raceInjector(1).store, s.sessionId, request(), { ifMatch: (etag) => etag === `"${s.incarnation}-${s.version}"` }),
    ).rejects.toMatchObject({ code: 'precondition_failed' });
  });
});

describe('SDK fault injector', () => {
  test('TransactionConflict is retried with backoff, and the join lands once', async () => {
    const s = await createSession();
    const { store: faulty, calls } = storeWithSdkFaults(transactionConflict, 2);
    const out = await joinSession(faulty, s.sessionId, request());
    expect(calls.transactions).toBe(3);
    expect(out.attempts).toBe(3);
    const after = await store.readSessionWithPlayers(s.sessionId, new Date());
    expect(after?.players).toHaveLength(1);
    expect(after?.session.version).toBe(s.version + 1);
  });

  test('TransactionConflict every time: 409 session_conflict after bounded attempts, nothing written', async () => {
    const s = await createSession();
    const { store: faulty, calls } = storeWithSdkFaults(transactionConflict, 1000);
    const err = await joinSession(faulty, s.sessionId, request(), { maxAttempts: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('session_conflict');
    expect(calls.transactions).toBe(5);
    expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version);
  });

  test('retries run out: 409 session_conflict with Retry-After, through the handler', async () => {
    const s = await createSession();
    const services = getServices();
    const real = services.store;
    services.store = storeWithSdkFaults(transactionConflict, 1000).store;
    try {
      const p = newPlayer();
      const r = await invoke(
        join,
        httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: s.sessionId }, headers: p.auth, body: joinBody() }),
      );
      expect(r.status).toBe(409);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ auth_success: true, error_code: 'session_conflict' });
      expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version);
    } finally {
      services.store = real;
    }
  });

  test('throttling: 503 service_unavailable, never a 500', async () => {
    const s = await createSession();
    const { store: faulty } = storeWithSdkFaults(throttled, 1000);
    await expect(joinSession(faulty, s.sessionId, request())).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
  });
});
