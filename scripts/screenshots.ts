/**
 * docs/screenshots/{sheet,ward,history}.png from the embedded default with the seed documents
 * (`start --demo`), through the same headless Chromium as the browser tests; and the sheet page's
 * time to interactive on a cold load, printed (a measurement, not a test: timings here are noisy).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { 西区地域課 } from '../test/fixtures/seed-sheets';
import { launchBrowser, signIn } from '../test/web/support/browser';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'docs/screenshots');
const TOKEN = `screenshots-${randomBytes(12).toString('hex')}`;

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

async function main() {
  // Readable by the embedded server's own user when this runs as root (mkdtemp's 0700 is not).
  const dataDir = join(tmpdir(), `shinchoku-screenshots-${randomBytes(4).toString('hex')}`);
  mkdirSync(dataDir, { mode: 0o755 });
  const [port, pgPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SHINCHOKU_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    PORT: String(port),
    ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'warn',
  };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'HOST']) delete env[key];
  const server = spawn(process.execPath, [join(ROOT, 'dist/apps/shinchoku/src/main.js'), 'start', '--demo'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const browser = await launchBrowser();
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
    };
    await until(async () => (await call('GET', '/api/v1/sheets?department=西区')).body?.items?.length > 0, 180_000);
    const sheetId = await recordQuarters(call);
    await until(async () => (await call('GET', `/api/v1/summaries/wards/${encodeURIComponent('東区')}/2020`)).status === 200, 60_000);

    const page = await browser.context.newPage();
    await signIn(page, base, TOKEN);
    mkdirSync(OUT, { recursive: true });
    await page.goto(`${base}/sheets/${sheetId}`);
    await shoot(page, 'sheet', page.getByRole('img').first());
    await page.getByRole('link', { name: '履歴' }).click();
    await shoot(page, 'history', page.getByRole('table'));
    await page.goto(`${base}/ward?department=${encodeURIComponent('東区')}&fiscalYear=2020`);
    await shoot(page, 'ward', page.getByRole('link', { name: /目標1：評価/ }).first());

    const samples: Timing[] = [];
    for (let i = 0; i < 7; i++) samples.push(await timeToInteractive(browser.context, `${base}/sheets/${sheetId}`));
    const median = (key: keyof Timing) =>
      samples
        .map((t) => t[key])
        .sort((a, b) => a - b)[3]!
        .toFixed(0);
    console.log(
      `sheet page, cold load (no cache), median of 7: interactive ${median('interactive')} ms = scripts run ${median('scriptsRun')} ms, ` +
        `then the sheet fetched (${median('sheetFetch')} ms) and rendered; all: ${samples.map((t) => t.interactive.toFixed(0)).join(', ')}`,
    );
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** The demo's 西区 地域課 with its first three quarters entered, as a 課 would have by January. */
async function recordQuarters(call: Call): Promise<string> {
  const { sheetId } = (await call('GET', `/api/v1/sheets?department=${encodeURIComponent('西区')}&unit=${encodeURIComponent('地域課')}`))
    .body.items[0];
  const sheet = (await call('GET', `/api/v1/sheets/${sheetId}`)).body;
  const progress = new Map(西区地域課.goals.flatMap((g) => g.indicators.map((i) => [i.name, i.progress ?? []] as const)));
  for (const goal of sheet.goals) {
    for (const indicator of goal.indicators) {
      let toDate = 0;
      for (const [q, amount] of (progress.get(indicator.name) ?? []).slice(0, 3).entries()) {
        // The seed lists each quarter's own amount; a count entered 累計 is reported as the total so far.
        toDate += Number(amount.replace(/,/g, ''));
        const value = indicator.progressEntry === 'toDate' ? toDate.toLocaleString('en-US') : amount;
        const reply = await call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicator.indicatorId}/progress/${q + 1}`, { value });
        if (reply.status !== 200) console.warn(`${indicator.name} 第${q + 1}四半期: ${reply.status} ${reply.body?.detail ?? ''}`);
      }
    }
  }
  return sheetId;
}

async function shoot(page: Page, name: string, ready: ReturnType<Page['getByRole']>) {
  await ready.waitFor();
  // The whole page in one viewport, so the sticky save bar sits at its end rather than mid-image.
  await page.setViewportSize({ width: 1440, height: (await page.evaluate('document.documentElement.scrollHeight')) as number });
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  console.log(`docs/screenshots/${name}.png`);
}

interface Timing {
  interactive: number;
  scriptsRun: number;
  sheetFetch: number;
}

/**
 * A fresh tab (no cache, token already in its sessionStorage): from navigation start until a
 * quarter input takes typing; with when the app's scripts had run and how long the sheet's GET took.
 */
async function timeToInteractive(context: Awaited<ReturnType<typeof launchBrowser>>['context'], url: string): Promise<Timing> {
  const page = await context.newPage();
  await page.addInitScript(`sessionStorage.setItem('shinchoku.token', ${JSON.stringify(TOKEN)})`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('input.quarter').first().waitFor();
  const timing = (await page.evaluate(`(() => {
    const interactive = performance.now();
    const navigation = performance.getEntriesByType('navigation')[0];
    const sheet = performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/sheets/'));
    return { interactive, scriptsRun: navigation.domContentLoadedEventEnd, sheetFetch: sheet ? sheet.responseEnd - sheet.startTime : NaN };
  })()`)) as Timing;
  await page.close();
  return timing;
}

async function until(ready: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
