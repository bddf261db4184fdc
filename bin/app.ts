#!/usr/bin/env node
// The CDK app (cdk.json: `npx tsx bin/app.ts`). `cdk synth` with no context synthesizes the dev stage;
// `-c stage=prod` the production stage. See lib/stage-config.ts for every context key.
import { App } from 'aws-cdk-lib';
import { buildSessionServiceApp } from '../lib/app.js';
import { StageConfigError } from '../lib/stage-config.js';

const app = new App();
try {
  buildSessionServiceApp(app);
} catch (e) {
  if (e instanceof StageConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
app.synth();
