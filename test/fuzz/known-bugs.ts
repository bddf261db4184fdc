// Bugs the fuzz suites found in src/ and that are not fixed yet. Each gets a regression test of its name in
// known-bugs.test.ts (failing until it is fixed) and an entry here: the property suites leave out the cases that
// trigger it, so that the search goes on for others; FUZZ_INCLUDE_KNOWN_BUGS=1 sends them anyway.
//
// None is open. Found and fixed (fd72727), with their regression tests in known-bugs.test.ts:
// - custom_data key "constructor" or "__proto__" answered 500 internal_error (the document client's marshaller);
// - unknown fields inside crossplay_preferences were stored and shown back (a "constructor" among them: a 500);
// - an operation without a request body answered an undocumented 413 to a body over 128 KiB.
import type { FuzzRequest } from './fuzz-harness.js';

export const KNOWN_FUZZ_BUGS: { name: string; triggers: (r: FuzzRequest) => boolean }[] = [];
