// Runs a fast-check property and fails with a short message: the seed and path to replay it, and the case's own
// label (a hostile body can be megabytes; fast-check would print all of it).
import fc from 'fast-check';

export async function checkProperty<T>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  params: { numRuns: number; seed: number; label: (value: T) => string; shrink?: boolean },
): Promise<void> {
  const out = await fc.check(fc.asyncProperty(arb, predicate), { numRuns: params.numRuns, seed: params.seed, endOnFailure: !params.shrink });
  if (!out.failed) return;
  const example = out.counterexample?.[0];
  const error = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(
    `property failed after ${out.numRuns} cases (seed ${out.seed}, path "${out.counterexamplePath}"; replay with the same seed)\n` +
      `case: ${example === undefined ? '(none)' : params.label(example)}\n${error.slice(0, 4000)}`,
  );
}
