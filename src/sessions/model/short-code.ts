// Short codes: a few characters to read aloud in place of a session id. Digits and capitals without the letters
// that pass for others (I, L, O, U), as Crockford's base32 and AccelByte's codes leave them out; read in any case.

export const SHORT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SHORT_CODE_LENGTH = { min: 5, max: 12, default: 6 } as const;

const SHAPE = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH.min},${SHORT_CODE_LENGTH.max}}$`);

/** The code a path segment names, when it has a short code's shape (in any case); undefined otherwise. */
export function asShortCode(value: string): string | undefined {
  const upper = value.toUpperCase();
  return SHAPE.test(upper) ? upper : undefined;
}

/** A code of `length` characters from uniform random bytes (32 letters: each byte's low five bits). */
export function shortCodeFrom(random: Uint8Array, length: number): string {
  if (random.length < length) throw new Error('not enough random bytes for the code');
  let code = '';
  for (let i = 0; i < length; i++) code += SHORT_CODE_ALPHABET[random[i]! & 31];
  return code;
}
