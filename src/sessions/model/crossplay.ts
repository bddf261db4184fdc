// Crossplay as counters. A join must accept every active member and every active member must accept the
// joiner; checking that against counters on the session item keeps a join O(1) in the session's size, and the
// counters a decision relies on become the transaction's conditions.
import type { CrossplayPreferences, Input, Platform } from '../../contract/types.js';
import { ANY_CROSSPLAY, type Player } from './session.js';

const PLATFORM_CLASSES = ['xbox', 'playstation', 'other'] as const;
const INPUTS = ['keyboardandmouse', 'gamepad', 'touch'] as const satisfies readonly Input[];
type PlatformClass = (typeof PLATFORM_CLASSES)[number];

export const COUNTER_KEYS = [
  ...PLATFORM_CLASSES.map((c) => `platform_${c}` as const),
  ...INPUTS.map((i) => `input_${i}` as const),
  'wants_platform_xbox',
  'wants_platform_playstation',
  ...INPUTS.map((i) => `wants_input_${i}` as const),
] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];
export type CrossplayCounters = Record<CounterKey, number>;

export const zeroCounters = (): CrossplayCounters => Object.fromEntries(COUNTER_KEYS.map((k) => [k, 0])) as CrossplayCounters;

export interface CrossplayProfile {
  platform: Platform;
  /** Unknown for a player whose client has not joined yet: counted under no input, acceptable only to "any". */
  input?: Input;
  preferences: CrossplayPreferences;
}

const platformClass = (p: Platform): PlatformClass => (p === 'XboxLive' ? 'xbox' : p === 'PSN' ? 'playstation' : 'other');

const wantedPlatformClass = (pref: CrossplayPreferences): PlatformClass | undefined =>
  pref.permitted_platform === 'desired_platforms_xboxlike'
    ? 'xbox'
    : pref.permitted_platform === 'desired_platforms_playstationlike'
      ? 'playstation'
      : undefined;

const wantedInput = (pref: CrossplayPreferences): Input | undefined =>
  pref.permitted_input === 'desired_inputs_any' ? undefined : (pref.permitted_input.replace('desired_inputs_', '') as Input);

/** The counters one active player adds to the session. */
export function contribution(p: CrossplayProfile): CounterKey[] {
  const keys: CounterKey[] = [`platform_${platformClass(p.platform)}`];
  if (p.input) keys.push(`input_${p.input}`);
  const wp = wantedPlatformClass(p.preferences);
  if (wp === 'xbox' || wp === 'playstation') keys.push(`wants_platform_${wp}`);
  const wi = wantedInput(p.preferences);
  if (wi) keys.push(`wants_input_${wi}`);
  return keys;
}

/**
 * The counters that must be zero among the other active players for `p` to play with them, both ways.
 * Each returned key is a fact the decision relies on: `p` is compatible exactly when all of them are zero.
 */
function mustBeZeroAmongOthers(p: CrossplayProfile): CounterKey[] {
  const keys: CounterKey[] = [];
  // p accepts the others
  const wp = wantedPlatformClass(p.preferences);
  if (wp) for (const c of PLATFORM_CLASSES) if (c !== wp) keys.push(`platform_${c}`);
  const wi = wantedInput(p.preferences);
  if (wi) for (const i of INPUTS) if (i !== wi) keys.push(`input_${i}`);
  // the others accept p
  const pc = platformClass(p.platform);
  if (pc !== 'xbox') keys.push('wants_platform_xbox');
  if (pc !== 'playstation') keys.push('wants_platform_playstation');
  for (const i of INPUTS) if (i !== p.input) keys.push(`wants_input_${i}`);
  return keys;
}

/**
 * Whether `p` may be active alongside the session's other active players. `self` is p's own current
 * contribution when p is already active (it is not "another" player). Returns the facts relied on:
 * each key with the value the counter must still have when the change is written.
 */
export function crossplayCheck(
  counters: CrossplayCounters,
  p: CrossplayProfile,
  self: readonly CounterKey[] = [],
): { ok: boolean; facts: { key: CounterKey; equals: number }[] } {
  const facts = mustBeZeroAmongOthers(p).map((key) => ({ key, equals: self.includes(key) ? 1 : 0 }));
  return { ok: facts.every((f) => counters[f.key] === f.equals), facts };
}

/** What crossplay sees of a player; one whose client has not told us yet is "other" platform, any input. */
export const profileOf = (p: Pick<Player, 'clientSettings' | 'crossplay'>): CrossplayProfile => ({
  platform: p.clientSettings?.platform ?? 'Anon',
  input: p.clientSettings?.input,
  preferences: p.crossplay ?? ANY_CROSSPLAY,
});

export function sameCrossplayProfile(a: Player, b: Player): boolean {
  const [pa, pb] = [profileOf(a), profileOf(b)];
  return (
    pa.platform === pb.platform &&
    pa.input === pb.input &&
    pa.preferences.permitted_platform === pb.preferences.permitted_platform &&
    pa.preferences.permitted_input === pb.preferences.permitted_input
  );
}
