// Hostile input through the write handlers (and GET): fast-check requests with hostile bodies (any JSON,
// deep nesting, huge strings, unicode, prototype keys, duplicate keys, numbers at the edges), headers (content types,
// encodings, base64, huge and repeated values, conditional headers), path parameters and both API Gateway event
// formats. Every answer is a documented status of its operation in the documented shape, never a 5xx; a rejected
// request changes nothing; an accepted one stores what it answered.
//
// FUZZ_RUNS cases (default 1000 in `npm test`; `npm run fuzz` runs 100,000). FUZZ_SEED is fixed by default and
// printed with any counterexample.
import { canonicalJson } from '../../src/http/content-etag.js';
import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { playerKey } from '../../src/dynamodb/items.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { FUZZED_OPERATIONS, freshTarget, identities, partitionItems, problemWith, requestArb, send, type Target } from './fuzz-harness.js';
import { checkProperty } from './check-property.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 7_2026);

const print = console.log.bind(console);
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});

const tally = { cases: 0, byStatus: {} as Record<string, number>, accepted: 0 };
afterAll(() => {
  print(`fuzz (requests): ${tally.cases} cases held; answers by status: ${JSON.stringify(tally.byStatus)}; seed ${SEED}`);
  if (process.env.FUZZ_SUMMARY_FILE) writeFileSync(process.env.FUZZ_SUMMARY_FILE, JSON.stringify({ suite: 'requests', seed: SEED, ...tally }));
});

test(
  `hostile requests: documented answers only, never a 5xx, nothing changed by a refusal (${RUNS} cases, seed ${SEED})`,
  async () => {
    const ids = identities();
    let target: Target = await freshTarget();
    let stored = await partitionItems(`S#${target.sessionId}`);
    let sinceFresh = 0;

    await checkProperty(
      requestArb(FUZZED_OPERATIONS, ids, () => target),
      async (req) => {
        const a = await send(req);
        tally.cases++;
        tally.byStatus[a.status] = (tally.byStatus[a.status] ?? 0) + 1;
        const problem = problemWith(req.op, a);
        if (problem) throw new Error(`${problem}\ncase: ${req.label}`);

        const after = await partitionItems(`S#${target.sessionId}`);
        const onTarget = req.sessionId === target.sessionId;
        const accepted = a.status >= 200 && a.status < 300 && onTarget && req.op.id !== 'get_session_by_id';
        if (!accepted && after !== stored) {
          throw new Error(`a ${a.status} answer changed the session\ncase: ${req.label}\nbefore: ${stored}\nafter: ${after}`);
        }
        if (accepted) {
          tally.accepted++;
          // What the answer says was stored is what is stored.
          if (a.status === 200 && (req.op.id === 'join_session_by_id_self' || req.op.id === 'update_session_player_by_uuid_v2')) {
            const uuid = req.op.id === 'join_session_by_id_self' ? req.caller! : req.playerUuid.toLowerCase();
            const item = (
              await testDocumentClient().send(
                new GetCommand({ TableName: testTableName(), Key: playerKey(target.sessionId, uuid), ConsistentRead: true }),
              )
            ).Item;
            if (canonicalJson(item?.custom_data ?? null) !== canonicalJson(a.body.custom_data)) {
              throw new Error(
                `answered custom_data ${JSON.stringify(a.body.custom_data)} but stored ${JSON.stringify(item?.custom_data)}\ncase: ${req.label}`,
              );
            }
            if (item?.status !== a.body.status || item?.team_id !== a.body.team_id)
              throw new Error(`answered ${a.raw} but stored ${JSON.stringify(item)}\ncase: ${req.label}`);
            // Unknown fields are ignored (docs/errors.md, "Validation"): only the contract's fields of a nested object are stored.
            const stored = Object.keys(item?.crossplay ?? {}).filter((k) => k !== 'permitted_platform' && k !== 'permitted_input');
            if (stored.length) throw new Error(`unknown crossplay_preferences fields stored: ${JSON.stringify(stored)}\ncase: ${req.label}`);
          }
        }
        // A new target now and then, so that accepted changes (full teams, a closed session) do not narrow the search.
        if (++sinceFresh >= 150 || (accepted && after === '[]')) {
          target = await freshTarget();
          sinceFresh = 0;
          stored = await partitionItems(`S#${target.sessionId}`);
        } else stored = after;
      },
      { numRuns: RUNS, seed: SEED, label: (r) => r.label, shrink: process.env.FUZZ_SHRINK === '1' },
    );
  },
  Math.max(120_000, RUNS * 200),
);
