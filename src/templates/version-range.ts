// A template's client_version_range compiled, with the semver package, into the plain comparators a session
// stores (sessions/versions.ts checks them on every join without the package). Pre-releases count like any
// other version (semver's includePrerelease).
import Comparator from 'semver/classes/comparator.js';
import Range from 'semver/classes/range.js';
import type { VersionRange } from '../sessions/model/versions.js';

export function compileVersionRange(range: string): VersionRange {
  return new Range(range, { includePrerelease: true }).set.map((set) =>
    set
      // `*` and friends compile to the ANY comparator, which every version satisfies.
      .filter((c) => c.semver !== (Comparator as unknown as { ANY: unknown }).ANY)
      .map((c) => ({ op: (c.operator || '=') as VersionRange[number][number]['op'], version: c.semver.version })),
  );
}
