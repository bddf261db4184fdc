// A UUID as the contract takes it (pydantic's UUID, Python's uuid.UUID: hex with or without hyphens, in braces,
// after urn:uuid:, any case) in its one canonical form: lower-case, hyphenated 8-4-4-4-12.
export function canonicalUuid(text: string): string {
  const hex = text
    .replace(/^(?:urn:)?(?:uuid:)?/i, '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replaceAll('-', '')
    .toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
