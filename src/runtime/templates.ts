// The session templates, read once per container by the handlers that use them (templates, create-or-join);
// the others never load them, so their bundles carry no template or semver code. The parser (and semver, which
// builds its regular expressions when it loads) loads on the first request that needs the templates, not when the
// container starts: a cold start answers a refused request without it. A missing or invalid file is logged once
// and answered with a 500 configuration_invalid envelope.
import { ApiError } from '../errors/api-error.js';
import { log } from '../observability/logger.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { templatesFileFrom } from '../templates/templates-file.js';

let catalog: TemplateCatalog | undefined;
let problems: string[] | undefined;

export async function getTemplates(): Promise<TemplateCatalog> {
  if (!catalog && !problems) {
    const { loadTemplates } = await import('../templates/load-templates.js');
    // Another request of the container may have read them while this one waited for the module.
    if (!catalog && !problems) {
      const loaded = loadTemplates(templatesFileFrom(process.env));
      if ('catalog' in loaded) catalog = loaded.catalog;
      else {
        problems = loaded.problems;
        log('error', 'session templates invalid; template and create-or-join requests will answer 500 configuration_invalid', { problems });
      }
    }
  }
  if (!catalog) throw new ApiError('configuration_invalid', problems?.join('; '));
  return catalog;
}

/** Tests and the local stack read the file again after changing it. */
export function resetTemplates(): void {
  catalog = undefined;
  problems = undefined;
}
