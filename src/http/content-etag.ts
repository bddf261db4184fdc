// ETags of content that has no version of its own (templates, a player's list of sessions): a hash of it.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: one text per value, whatever the order keys were written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A strong, quoted ETag: the first 22 base64url characters (132 bits) of the SHA-256 of the value's canonical JSON. */
export const contentEtag = (value: unknown): string => `"${createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22)}"`;

/** A weak ETag of content: the same bytes are not promised, only the same meaning (RFC 9110, section 8.8.1). */
export const weakContentEtag = (value: unknown): string => `W/${contentEtag(value)}`;
