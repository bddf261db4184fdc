// The session templates file: validated at synth (a bad file fails `cdk synth`, naming the problem) and copied
// into every route function's bundle as session-templates.json, the file the handlers read at init. The handlers
// are the fixture here (the stack tests check the real bundles carry config/session-templates.json).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSessionServiceApp } from '../../lib/app.js';
import { HANDLERS } from '../../lib/bundling.js';
import { StageConfigError } from '../../lib/stage-config.js';
import { BUNDLED_TEMPLATES_FILE, loadTemplates } from '../../src/templates/load-templates.js';
import { assetDirOf, cdkJsonContext, FIXTURE_HANDLER, logicalIdOf, ROOT, synth, type Synthesized } from './helpers.js';

const CUSTOM = 'test/infra/fixtures/templates-custom.json';
const BAD = 'test/infra/fixtures/templates-bad.json';

let custom: Synthesized;
let staged: Synthesized;

beforeAll(() => {
  custom = synth({ templatesFile: CUSTOM }, 'fixture');
  // The same setting per stage in cdk.json's stages object.
  staged = synth({ stage: 'qa', stages: { ...(cdkJsonContext().stages as object), qa: { templatesFile: join(ROOT, CUSTOM) } } }, 'fixture');
}, 120_000);
afterAll(() => {
  custom?.dispose();
  staged?.dispose();
});

const build = (context: Record<string, unknown>) => () =>
  buildSessionServiceApp(new App({ context: { ...cdkJsonContext(), ...context } }), {
    handlerEntry: () => FIXTURE_HANDLER,
    reaperEntry: FIXTURE_HANDLER,
    cullSweepEntry: FIXTURE_HANDLER,
  });

describe('session templates file', () => {
  it('the fixtures are what they claim: one valid file, one with two problems', () => {
    expect('catalog' in loadTemplates(join(ROOT, CUSTOM))).toBe(true);
    expect(loadTemplates(join(ROOT, BAD))).toMatchObject({ problems: [expect.stringContaining('duplicates'), expect.stringContaining('num_teams')] });
  });

  it.each([
    ['-c templatesFile (relative to the repository root)', () => custom],
    ['stages.<stage>.templatesFile (absolute)', () => staged],
  ])("%s: every route function's asset carries session-templates.json with the configured content", (_name, get) => {
    const s = get();
    const expected = readFileSync(join(ROOT, CUSTOM));
    expect(s.stack.config.templatesFile).toMatch(/templates-custom\.json$/);
    expect(s.stack.templatesFile).toBe(join(ROOT, CUSTOM));
    for (const h of HANDLERS) {
      const file = join(assetDirOf(s, logicalIdOf(s, s.stack.functions.get(h)!.fn)), BUNDLED_TEMPLATES_FILE);
      expect({ h, exists: existsSync(file) }).toEqual({ h, exists: true });
      expect(readFileSync(file).equals(expected)).toBe(true);
    }
  });

  it('a different templates file is a different asset (the copy is part of the bundle hash)', () => {
    const dev = synth({}, 'fixture');
    try {
      for (const h of HANDLERS) {
        const key = (s: Synthesized) => s.json.Resources[logicalIdOf(s, s.stack.functions.get(h)!.fn)]!.Properties.Code.S3Key;
        expect(key(dev)).not.toBe(key(custom));
      }
    } finally {
      dev.dispose();
    }
  }, 60_000);

  it('a bad file fails synthesis before anything is bundled, naming the context key, the file and every problem', () => {
    expect(build({ templatesFile: BAD })).toThrow(StageConfigError);
    expect(build({ templatesFile: BAD })).toThrow(
      `Invalid CDK context "templatesFile": the session templates file ${BAD} (${join(ROOT, BAD)}) is invalid: ` +
        'templates[1] ("lobby").session_type: duplicates templates[0]; templates[1] ("lobby").num_teams: must be an integer from 1 to 50',
    );
  });

  it('a missing file or a non-JSON file fails synthesis too', () => {
    expect(build({ templatesFile: 'config/no-such-templates.json' })).toThrow(/"templatesFile": .*no-such-templates\.json.* cannot be read: ENOENT/);
    expect(build({ templatesFile: 'package-lock.json' })).toThrow(/"templatesFile": .* is invalid: /);
    expect(build({ templatesFile: 'README.md' })).toThrow(/"templatesFile": .* is not valid JSON/);
  });

  it('`cdk synth -c templatesFile=<bad file>` exits non-zero and prints the problem', () => {
    const out = mkdtempSync(join(tmpdir(), 'rh-session-synth-'));
    try {
      const run = spawnSync('sh', ['scripts/synth.sh', '-c', `templatesFile=${BAD}`, '-o', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('Invalid CDK context "templatesFile"');
      expect(run.stderr).toContain('templates[1] ("lobby").session_type: duplicates templates[0]');
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
