// Shared by the infra tests: synthesize the app the way bin/app.ts does (cdk.json context + overrides), find
// resources, and run cdk-nag both as the app does (acknowledgements honoured) and raw (to catch stale ones).
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSessionServiceApp } from '../../lib/app.js';
import { handlerEntry, type HandlerName } from '../../lib/bundling.js';
import type { SessionServiceStack } from '../../lib/session-service-stack.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const FIXTURE_HANDLER = join(ROOT, 'test/infra/fixtures/handler.ts');
const REAPER_ENTRY = join(ROOT, 'handlers/reap-expired-session.ts');
const CULL_SWEEP_ENTRY = join(ROOT, 'handlers/cull-sweep.ts');

/** The context `cdk synth` gets from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context ?? {};
}

export const realHandlerExists = (name: HandlerName) => existsSync(handlerEntry(ROOT, name));

export interface Synthesized {
  app: App;
  stack: SessionServiceStack;
  template: Template;
  json: {
    Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: any }>;
    Outputs?: any;
  };
  outdir: string;
  dispose: () => void;
}

/**
 * Synthesizes the app with cdk.json's context plus `context` (values as the CLI passes them: strings).
 * handlers: 'real' uses handlers/<name>.ts where it exists (else the fixture), 'fixture' always the fixture (the
 * expiry reaper included).
 */
export function synth(context: Record<string, unknown> = {}, handlers: 'real' | 'fixture' = 'real'): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'rh-session-infra-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...context } });
  const stack = buildSessionServiceApp(app, {
    handlerEntry: (name) => (handlers === 'real' && realHandlerExists(name) ? handlerEntry(ROOT, name) : FIXTURE_HANDLER),
    reaperEntry: handlers === 'real' && existsSync(REAPER_ENTRY) ? REAPER_ENTRY : FIXTURE_HANDLER,
    cullSweepEntry: handlers === 'real' && existsSync(CULL_SWEEP_ENTRY) ? CULL_SWEEP_ENTRY : FIXTURE_HANDLER,
  });
  app.synth();
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    json: template.toJSON() as Synthesized['json'],
    outdir,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export function resourcesOfType(s: Synthesized, type: string): [string, any][] {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
}

export function logicalIdOf(s: Synthesized, construct: IConstruct): string {
  const child = construct.node.defaultChild ?? construct;
  return s.stack.getLogicalId(child as any);
}

/** Findings of the AwsSolutions pack on the synthesized tree, honouring acknowledgements (what synth enforces). */
export function nagFindings(app: App) {
  return new AwsSolutionsChecks().validateScope(app).violations;
}

/** The same pack ignoring every acknowledgement: what the acknowledgements are answering. */
class RawAwsSolutionsChecks extends AwsSolutionsChecks {}
(RawAwsSolutionsChecks.prototype as any).isAcknowledged = () => false;
export function rawNagFindings(app: App) {
  return new RawAwsSolutionsChecks().validateScope(app).violations;
}

export interface Ack {
  path: string;
  id: string;
  reason: string;
}
/** Every acknowledgement recorded in the tree (Validations.of(x).acknowledge). */
export function acknowledgements(root: IConstruct): Ack[] {
  const out: Ack[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}

/** The directory of a synthesized function's code asset (NodejsFunction bundles into cdk.out/asset.<hash>). */
export function assetDirOf(s: Synthesized, fnLogicalId: string): string {
  const key: string = s.json.Resources[fnLogicalId]!.Properties.Code.S3Key;
  return join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
}
