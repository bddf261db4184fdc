// Bugs the fuzz suites found in src/ and that are not fixed yet. Each has a failing regression test of its name
// (known-bugs.test.ts); the property suites leave out the cases that trigger it, so that the search goes on for
// others. FUZZ_INCLUDE_KNOWN_BUGS=1 sends them anyway.
import type { FuzzRequest } from './fuzz-harness.js';

const bodyBytes = (r: FuzzRequest) => (r.body === undefined ? 0 : r.isBase64Encoded ? Math.floor((r.body.length * 3) / 4) : Buffer.byteLength(r.body));

/** Whether any object named `field` in the JSON body (at any depth) has an own key that `bad` picks. */
function fieldHasKey(r: FuzzRequest, field: string, bad: (key: string) => boolean): boolean {
  if (r.body === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body);
  } catch {
    return false;
  }
  const visit = (v: unknown, depth: number): boolean => {
    if (depth > 50 || v === null || typeof v !== 'object') return false;
    if (Array.isArray(v)) return v.some((x) => visit(x, depth + 1));
    for (const [k, x] of Object.entries(v)) {
      if (k === field && x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).some(bad)) return true;
      if (visit(x, depth + 1)) return true;
    }
    return false;
  };
  return visit(parsed, 0);
}

export const KNOWN_FUZZ_BUGS: { name: string; triggers: (r: FuzzRequest) => boolean }[] = [
  {
    // src/http/operation.ts puts bodyLimit() in front of every route; the contract lists 413 only for the
    // operations that take a body.
    name: 'an operation without a request body answers an undocumented 413 to a body over 128 KiB',
    triggers: (r) => !r.op.hasBody && bodyBytes(r) > 128 * 1024,
  },
  {
    // The contract accepts any key of 1..128 characters in custom_data; the DynamoDB document client cannot
    // marshall an object whose own key is "constructor" (it throws) or "__proto__" (an empty attribute value,
    // which DynamoDB refuses): the write fails with an unhandled error.
    name: 'custom_data key "constructor" or "__proto__" answers 500 internal_error',
    triggers: (r) => fieldHasKey(r, 'custom_data', (k) => k === 'constructor' || k === '__proto__'),
  },
  {
    // src/sessions/join-request.ts toJoinRequest keeps `body.crossplay_preferences` as the client sent it, so any
    // field beside permitted_platform and permitted_input is stored in the player item and shown back by GET
    // (and a "constructor" or "__proto__" among them fails the write with a 500, as in custom_data).
    name: 'unknown fields inside crossplay_preferences are stored and shown back',
    triggers: (r) => fieldHasKey(r, 'crossplay_preferences', (k) => k !== 'permitted_platform' && k !== 'permitted_input'),
  },
];
