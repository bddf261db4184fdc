// A template's client_version_range compiled, with the semver package, into the plain comparators a session
// stores (sessions/model/versions.ts checks them on every join without the package), with the package's own
// meaning of pre-releases: one satisfies a range only where a comparator names a pre-release of the same version.
import Comparator from 'semver/classes/comparator.js';
import Range from 'semver/classes/range.js';
import type { VersionRange } from '../sessions/model/versions.js';

export function compileVersionRange(range: string): VersionRange {
  return new Range(range).set.map((set) =>
    set
      // `*` and friends compile to the ANY comparator, which every version satisfies.
      .filter((c) => c.semver !== (Comparator as unknown as { ANY: unknown }).ANY)
      .map((c) => ({ op: (c.operator || '=') as VersionRange[number][number]['op'], version: c.semver.version })),
  );
}
