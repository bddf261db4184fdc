// Client versions on the join path, without the semver package (whose parser and range grammar would be most
// of a join bundle's size beyond the AWS SDK): semver.org's own regular expression for a version, precedence as
// semver 2.0.0 section 11 defines it, and ranges that the templates module compiled with the semver package when
// the session was created (templates/version-range.ts), stored on the session as plain comparators.

/** The regular expression semver.org publishes for a semver 2.0.0 version. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const isSemver = (v: string) => v.length <= 256 && SEMVER.test(v);

export interface Comparator {
  op: '<' | '<=' | '>' | '>=' | '=';
  version: string;
}
/** Satisfied when every comparator of at least one set holds (an empty set always holds). */
export type VersionRange = Comparator[][];

/** A version as the semver package reads one (not loosely): surrounding spaces and one leading `v` are allowed. */
function parts(v: string) {
  const m = v.length <= 256 ? SEMVER.exec(v.trim().replace(/^v/, '')) : null;
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

const isNumeric = (id: string) => /^\d+$/.test(id);

function comparePre(a: string[], b: string[]): number {
  if (!a.length || !b.length) return b.length - a.length; // a release ranks above its pre-releases
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (isNumeric(x) && isNumeric(y)) return Number(x) - Number(y);
    if (isNumeric(x)) return -1;
    if (isNumeric(y)) return 1;
    // Stryker disable next-line EqualityOperator: x === y was handled above, so < and <= agree
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Precedence of two versions (build metadata ignored); NaN when either is not a version. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)];
  if (!pa || !pb) return NaN;
  // Stryker disable next-line EqualityOperator: core[3] is undefined on both sides, so a fourth round changes nothing
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i]! - pb.core[i]!;
  return comparePre(pa.pre, pb.pre);
}

function holds(version: string, c: Comparator): boolean {
  const d = compareVersions(version, c.version);
  // Stryker disable next-line ConditionalExpression: without it NaN fails every comparison below anyway; it says so
  if (Number.isNaN(d)) return false;
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    default:
      return d === 0;
  }
}

/**
 * As the semver package's Range.test: every comparator of a set holds and, for a pre-release, some comparator of
 * that set is a pre-release of the same major.minor.patch (so `2.0.0-rc.1` does not satisfy `>=1.4.0 <2.0.0`).
 */
export function satisfiesRange(version: string, range: VersionRange): boolean {
  const v = parts(version);
  if (!v) return false;
  return range.some((set) => {
    if (!set.every((c) => holds(version, c))) return false;
    if (v.pre.length === 0) return true;
    return set.some((c) => {
      const p = parts(c.version);
      return p !== undefined && p.pre.length > 0 && p.core.every((n, i) => n === v.core[i]);
    });
  });
}
