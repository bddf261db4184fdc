// Tokens this container has already verified, until they expire: a game client sends the same token with every
// call, and checking its RS256 signature again is most of the CPU a request costs. The exact token text is the
// key, so a cached answer is only ever given for the very token that was verified. Bounded: the oldest entry
// goes first.
import type { Caller } from './caller.js';

export class VerifiedTokens {
  private readonly entries = new Map<string, { caller: Caller; expiresAtMs: number }>();

  constructor(private readonly capacity = 1000) {}

  get(token: string, nowMs: number): Caller | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.expiresAtMs) return entry.caller;
    this.entries.delete(token);
    return undefined;
  }

  /** `exp` in epoch seconds, as the token carries it; a token without one is not kept. */
  put(token: string, caller: Caller, exp: unknown): void {
    if (typeof exp !== 'number' || this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { caller, expiresAtMs: exp * 1000 });
  }
}
