/**
 * The web app's first load, to interactive: Chromium headless with a fresh profile each time (cold
 * cache), against the real server on a fresh database holding a sheet like 西区 地域課 (a year of
 * progress entered). Measured from navigation start to the moment the sheet's first quarter input
 * (`SNSによる情報発信件数 第1四半期`) is in the page, visible, enabled and writable — the person can
 * type — as a 課's editor signed in (the token already in sessionStorage). The floor, in the same
 * run and the same conditions: the same server's index.html and bundle without any API data, the
 * login page to its first input. Loads alternate (floor, sheet) so that the machine's load weighs
 * on both alike. Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                       database is created next to it and dropped at the end
 *   BENCH_LOADS         loads of each page (default 20), each in a browser of its own
 *   CHROMIUM_PATH       default /usr/bin/chromium
 *
 * Each browser is left a second to finish starting before the page is opened, as a person's browser
 * has long finished when they open a link: timed straight after launch, Chromium's own start-up
 * (spawning the page's renderer) added some 400 ms to both pages on this machine.
 *
 * The moment is taken in the page (a MutationObserver installed before any script runs, reading
 * performance.now(), whose origin is the navigation's start), not by polling from here, which would
 * add its own interval. The waterfall of the median sheet load says where the time went.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../web/support/browser';
import { firstPageScripts } from '../web/support/first-page';
import { 西区地域課 } from '../fixtures/seed-sheets';
import { enterSheet, HEADERS, serveApi } from './api-server';
import { withScratchDatabase } from './scratch-database';

const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const GOAL_MS = 1000;
/** How long a freshly launched browser is left to finish starting before the page is opened. */
const SETTLE_MS = 1000;
// Compiled to dist/test/bench; the app is built into dist/web.
const WEB = join(__dirname, '../../web');
const FIRST_INPUT = `${西区地域課.goals[0]!.indicators[0]!.name} 第1四半期`;

interface Load {
  /** ms from navigation start to the input being interactive. */
  interactive: number;
  /** CPU ms of the page's main thread by then (Chrome's TaskDuration in thread time): what other processes' load does not inflate. */
  cpu: number;
  waterfall: string[];
}

/**
 * Runs in the page before its scripts: stores the bearer token as the sign-in would, and records
 * when the element becomes something a person can type into.
 */
const probe = (selector: string, token: string | undefined) => `(() => {
  ${token ? `sessionStorage.setItem('shinchoku.token', ${JSON.stringify(token)});` : ''}
  const ready = () => {
    const input = document.querySelector(${JSON.stringify(selector)});
    return input !== null && !input.disabled && !input.readOnly && input.getClientRects().length > 0;
  };
  window.__interactive = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });
})()`;

/** Where the time of one load went: the document, each request (start → end, ms) and the first paint. */
const WATERFALL = `(() => {
  const ms = (t) => Math.round(t);
  const [nav] = performance.getEntriesByType('navigation');
  const lines = ['document ' + ms(nav.requestStart) + ' → ' + ms(nav.responseEnd) + ', DOMContentLoaded ' + ms(nav.domContentLoadedEventEnd)];
  for (const r of performance.getEntriesByType('resource')) {
    lines.push(new URL(r.name).pathname.replace(/[0-9a-f-]{36}/, '{id}') + ' ' + ms(r.startTime) + ' → ' + ms(r.responseEnd) + ' (' + r.initiatorType + ')');
  }
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  if (paint) lines.push('first contentful paint ' + ms(paint.startTime));
  return lines;
})()`;

async function load(url: string, selector: string, token?: string): Promise<Load> {
  const browser = await launchBrowser();
  try {
    const page: Page = await browser.context.newPage();
    await page.addInitScript(probe(selector, token));
    page.setDefaultTimeout(30_000);
    // A person's browser is running already when they open the link: let this one finish starting
    // (its first renderer, the processes it starts ahead) so that only the page's own cost is timed.
    // Nothing of the app is loaded meanwhile: the cache stays cold.
    await page.goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(url);
    // Through the DevTools protocol, as a string: the app's CSP rightly refuses eval in the page.
    const interactive = await page.evaluate<number>('window.__interactive');
    const { metrics } = await devtools.send('Performance.getMetrics');
    const cpu = (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
    return { interactive, cpu, waterfall: await page.evaluate<string[]>(WATERFALL) };
  } finally {
    await browser.close();
  }
}

const sortedBy = (loads: Load[]) => [...loads].sort((a, b) => a.interactive - b.interactive);
const at = (sorted: Load[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function main(): Promise<void> {
  const { scripts, gzipBytes } = firstPageScripts(WEB);
  console.log(`web: first load to interactive, ${LOADS} loads of each page, a fresh Chromium profile each (cold cache)`);
  console.log(`  JavaScript of the first page: ${(gzipBytes / 1024).toFixed(1)} KB gzipped (${scripts.join(', ')})`);
  console.log(
    `  load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const closing: Array<() => Promise<unknown> | void> = [];
  await withScratchDatabase('web', async (url) => {
    try {
      const { origin } = await serveApi(url, `bench_web_${Date.now()}`, closing);
      const { sheetId } = await enterSheet(origin, 1);
      const issued = await fetch(`${origin}/api/v1/tokens`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ name: '地域課 職員', grants: [{ role: 'editor', department: 西区地域課.department, unit: '地域課1' }] }),
      });
      const { token } = (await issued.json()) as { token: string };
      const floor: Load[] = [];
      const sheet: Load[] = [];
      for (let i = 0; i < LOADS; i++) {
        floor.push(await load(`${origin}/login`, '#token'));
        sheet.push(await load(`${origin}/sheets/${sheetId}`, `input[aria-label="${FIRST_INPUT}"]`, token));
      }
      const [f, s] = [sortedBy(floor), sortedBy(sheet)];
      const cpu = (loads: Load[]) => loads.map((l) => l.cpu).sort((a, b) => a - b)[Math.floor(loads.length / 2)]!;
      const row = (label: string, sorted: Load[]) =>
        console.log(
          `  ${label.padEnd(44)} p50 ${at(sorted, 50).interactive.toFixed(0).padStart(5)} ms   p90 ${at(sorted, 90).interactive.toFixed(0).padStart(5)} ms   main thread CPU p50 ${cpu(sorted).toFixed(0).padStart(4)} ms`,
        );
      row('floor: login page to its first input', f);
      row(`sheet page to "${FIRST_INPUT}"`, s);
      const p50 = at(s, 50).interactive;
      console.log(
        `  sheet / floor (p50): ${(p50 / at(f, 50).interactive).toFixed(2)}×; the sheet's API data cost ${(p50 - at(f, 50).interactive).toFixed(0)} ms at p50`,
      );
      console.log(`  goal: p50 under ${GOAL_MS} ms — ${p50 < GOAL_MS ? 'met' : 'NOT met'}`);
      console.log('  waterfall of the median sheet load (ms from navigation start):');
      for (const line of at(s, 50).waterfall) console.log(`    ${line}`);
    } finally {
      for (const close of closing) await close();
    }
  });
  console.log(
    `  load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
