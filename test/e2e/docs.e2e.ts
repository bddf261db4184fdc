// `npm run test:e2e` (not part of `npm test`, which needs no browser): the local stack's API docs in headless
// Chromium (Debian's chromium package, driven by playwright-core): the page loads, shows the join operation, and a
// join tried from the page with a dev token in "Authorize" answers 200.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { freePort } from '../../local/dynamodb-local.js';
import { DEMO_SESSION_ID } from '../../local/local-stack.js';
import { npmToken, ROOT, startStack, type RunningStack } from '../local/stack-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SLOW = 180_000;

let stack: RunningStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`);
  stack = await startStack({ port: await freePort() });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, SLOW);

test(
  'the docs page shows the join operation, and a join tried from it with a dev token answers 200',
  async () => {
    const player = '0b9e4a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    const token = await npmToken(['--player', player, '--port', String(stack.port)]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const failures: string[] = [];
    page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
    try {
      await page.goto(`${stack.baseUrl}/docs`);
      const join = page.locator('#operations-Sessions-join_session_by_id_self');
      await join.waitFor({ timeout: 30_000 });
      await expectText(join.locator('.opblock-summary'), 'Join Session By Id Self');
      await expectText(join.locator('.opblock-summary'), '/session/v1/session/{session_id}/player/me');

      // Authorize with the dev token.
      await page.locator('.auth-wrapper button.authorize').click();
      const modal = page.locator('.modal-ux');
      await modal.locator('input[type=text], input[type=password]').first().fill(token);
      await modal.locator('.auth-btn-wrapper button.authorize').click();
      await modal.locator('button.btn-done').click();

      // Try the join.
      await join.locator('.opblock-summary').click();
      await join.locator('button.try-out__btn').click();
      await join.locator('tr[data-param-name="session_id"] input').fill(DEMO_SESSION_ID);
      await join
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'keyboardandmouse' }, team_id: 0 }));
      await join.locator('button.execute').click();

      const status = join.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor({ timeout: 30_000 });
      expect((await status.innerText()).trim()).toBe('200');
      const body = await join.locator('.live-responses-table .response-col_description pre').first().innerText();
      expect(JSON.parse(body)).toMatchObject({ player_uuid: player, team_id: 0 });
      expect(failures).toEqual([]);
      expect(stack.stdout()).toMatch(new RegExp(`POST /session/v1/session/${DEMO_SESSION_ID}/player/me 200 \\d+ ms`));
    } finally {
      await mkdir(join(ROOT, '.tmp'), { recursive: true });
      await page.screenshot({ path: join(ROOT, '.tmp', 'e2e-docs.png'), fullPage: false }).catch(() => undefined);
      await page.close();
    }
  },
  SLOW,
);

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.waitFor();
  expect(await locator.innerText()).toContain(text);
}
