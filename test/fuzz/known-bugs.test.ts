// The bugs the fuzz suites found, each reduced to its smallest cases and named after it: regression tests now that
// they are fixed (fd72727). A new bug gets its test here, failing until it is fixed, and an entry in known-bugs.ts.
import '../support/services.js';
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { playerKey } from '../../src/dynamodb/items.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { createSession, newPlayer, seatedPlayer } from '../support/services.js';
import { operation, problemWith, send, type FuzzRequest, type OperationId } from './fuzz-harness.js';

beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});

const admin = newPlayer(['session:*']);
const request = (id: OperationId, sessionId: string, playerUuid: string, body: string | undefined): FuzzRequest => ({
  op: operation(id),
  format: 'http',
  sessionId,
  playerUuid,
  body,
  headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  label: id,
});

describe('custom_data key "constructor" or "__proto__" answers 500 internal_error', () => {
  // Fixed in fd72727. Was: schemas/openapi.yaml (CustomData) accepted any key of 1..128 characters. The handlers copy custom data into
  // plain objects and the store writes them with the DynamoDB document client (src/store/session-store.ts
  // commitChange / createSession), whose marshaller throws "Unsupported type passed" for an object whose own
  // "constructor" is not Object, and turns an own "__proto__" key into an empty attribute value, which DynamoDB
  // refuses (ValidationException). Either way the write fails with an unhandled error: 500 internal_error, an
  // undocumented answer to a request the contract calls valid. Expected: the key is stored and shown like any
  // other (e.g. custom data kept in a prototype-less object and marshalled as a map), or refused with a 422.
  const bodies = (key: string): [OperationId, string, (s: { sessionId: string; member: string }) => string][] => [
    [
      'join_session_by_id_self',
      'custom_data',
      () => `{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"custom_data":{"${key}":"x"}}`,
    ],
    ['update_session_player_by_uuid_v2', 'custom_data', () => `{"status":"member","team_id":0,"custom_data":{"${key}":"x"}}`],
    ['update_session_by_id', 'custom_data', () => `{"custom_data":{"${key}":"x"}}`],
    ['update_session_by_id', 'teams[].custom_data', () => `{"teams":[{"max_size":4,"custom_data":{"${key}":"x"}}]}`],
    [
      'create_or_join_session',
      'player.custom_data',
      () =>
        `{"session_type":"duel","client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"player":{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"custom_data":{"${key}":"x"}}}`,
    ],
  ];
  const cases = ['constructor', '__proto__'].flatMap((key) => bodies(key).map(([op, where, body]) => ({ key, op, where, body })));

  test.each(cases)('$op with $where key "$key": a documented answer, and a 200 stores what it answers', async ({ op, key, body }) => {
    const member = randomUUID();
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(randomUUID(), { status: 'leader' }), seatedPlayer(member)]);
    const a = await send(request(op, s.sessionId, member, body({ sessionId: s.sessionId, member })));
    expect({ status: a.status, problem: problemWith(operation(op), a) }).toEqual({ status: expect.any(Number), problem: undefined });
    if (a.status === 200 && (op === 'join_session_by_id_self' || op === 'update_session_player_by_uuid_v2')) {
      const uuid = op === 'join_session_by_id_self' ? admin.uuid : member;
      const item = (
        await testDocumentClient().send(new GetCommand({ TableName: testTableName(), Key: playerKey(s.sessionId, uuid), ConsistentRead: true }))
      ).Item;
      expect(Object.hasOwn(item?.custom_data ?? {}, key)).toBe(true);
    }
  });
});

describe('an operation without a request body answers an undocumented 413 to a body over 128 KiB', () => {
  // Fixed in fd72727. Was: src/http/operation.ts put bodyLimit() (src/http/middleware/body-limit.ts) in front of every route, so a
  // DELETE or GET that carries a body over 128 KiB is answered 413 payload_too_large; schemas/openapi.yaml lists
  // 413 only for the operations that take a body. Expected: the body of an operation that reads none is ignored
  // (or 413 is documented for these operations too).
  const big = JSON.stringify({ pad: 'x'.repeat(129 * 1024) });
  test.each(['leave_session_by_id_self', 'kick_player_from_session_by_uuid_v2', 'get_session_by_id'] as const)('%s', async (op) => {
    const member = randomUUID();
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(admin.uuid, { status: 'leader' }), seatedPlayer(member)]);
    const a = await send(request(op, s.sessionId, member, big));
    expect({ status: a.status, problem: problemWith(operation(op), a) }).toEqual({ status: a.status, problem: undefined });
  });
});

describe('unknown fields inside crossplay_preferences are stored and shown back', () => {
  // Fixed in fd72727. Was: README: "Unknown fields are ignored, as FastAPI does" (pydantic drops them from nested models too). But
  // src/sessions/join-request.ts toJoinRequest passes `body.crossplay_preferences` through as sent: every extra
  // field is written to the player item (up to the 128 KiB body, past the caps that keep custom_data small) and
  // GET shows it back in the player's crossplay_preferences; an extra "constructor" or "__proto__" field fails the
  // write with a 500. Expected: only permitted_platform and permitted_input are kept.
  const crossplay = (extra: string) => `{"permitted_platform":"desired_platforms_any","permitted_input":"desired_inputs_any",${extra}}`;
  const join = (extra: string) =>
    `{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"crossplay_preferences":${crossplay(extra)}}`;

  test('an extra field is not stored, nor shown by GET', async () => {
    const s = await createSession({ teamSizes: [4] });
    const a = await send(request('join_session_by_id_self', s.sessionId, admin.uuid, join(`"note":"${'x'.repeat(60_000)}"`)));
    expect(a.status).toBe(200);
    const g = await send(request('get_session_by_id', s.sessionId, admin.uuid, undefined));
    expect(Object.keys(g.body.teams[0].players[0].crossplay_preferences).sort()).toEqual(['permitted_input', 'permitted_platform']);
  });

  test.each(['constructor', '__proto__'])('an extra "%s" field: a documented answer, not a 500', async (key) => {
    const s = await createSession({ teamSizes: [4] });
    const a = await send(request('join_session_by_id_self', s.sessionId, admin.uuid, join(`"${key}":"x"`)));
    expect({ status: a.status, problem: problemWith(operation('join_session_by_id_self'), a) }).toEqual({ status: a.status, problem: undefined });
  });
});
