// Where the templates come from: one JSON file, read once per container at init. SESSION_TEMPLATES_FILE names it;
// by default it is the file the CDK stack copies next to the bundle inside Lambda, and
// config/session-templates.json of the working directory elsewhere (the local stack, tests, benchmarks).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTemplates, type ParseResult } from './parse-templates.js';

/** The file's name next to the bundle, inside Lambda (under LAMBDA_TASK_ROOT). */
export const BUNDLED_TEMPLATES_FILE = 'session-templates.json';
/** Outside Lambda, relative to the working directory. */
export const LOCAL_TEMPLATES_FILE = 'config/session-templates.json';

/** The templates file an environment names, made absolute. */
export function templatesFileFrom(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  const configured = env.SESSION_TEMPLATES_FILE?.trim();
  if (configured) return resolve(cwd, configured);
  const taskRoot = env.LAMBDA_TASK_ROOT?.trim();
  return taskRoot ? join(taskRoot, BUNDLED_TEMPLATES_FILE) : resolve(cwd, LOCAL_TEMPLATES_FILE);
}

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
