// The pause after a lost race, before reading and deciding again: jittered, growing with the attempt, at most 100 ms.
export const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 5 * 2 ** attempt)));
