// Where the templates come from: one JSON file, read once per container at init. SESSION_TEMPLATES_FILE names it;
// by default it is the file the CDK stack copies next to the bundle inside Lambda, and
// config/session-templates.json of the working directory elsewhere (the local stack, tests, benchmarks).
import { readFileSync } from 'node:fs';
import { parseTemplates, type ParseResult } from './parse-templates.js';

export { BUNDLED_TEMPLATES_FILE, templatesFileFrom } from './templates-file.js';

/** Reads and validates the file; never throws. Every problem names the file, the entry and the field. */
export function loadTemplates(file: string): ParseResult {
  const where = `SESSION_TEMPLATES_FILE (${file})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [`${where}: cannot be read: ${(e as Error).message}`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problems: [`${where}: is not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = parseTemplates(value);
  return 'problems' in parsed ? { problems: parsed.problems.map((p) => `${where}: ${p}`) } : parsed;
}
