// Where the templates file is: kept apart from the loader so that knowing the path costs no parsing code.
import { join, resolve } from 'node:path';

/** The file's name next to the bundle, inside Lambda (under LAMBDA_TASK_ROOT). */
export const BUNDLED_TEMPLATES_FILE = 'session-templates.json';
/** Outside Lambda, relative to the working directory. */
const LOCAL_TEMPLATES_FILE = 'config/session-templates.json';

/** The templates file an environment names, made absolute. */
export function templatesFileFrom(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  const configured = env.SESSION_TEMPLATES_FILE?.trim();
  if (configured) return resolve(cwd, configured);
  const taskRoot = env.LAMBDA_TASK_ROOT?.trim();
  return taskRoot ? join(taskRoot, BUNDLED_TEMPLATES_FILE) : resolve(cwd, LOCAL_TEMPLATES_FILE);
}
