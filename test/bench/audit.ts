/**
 * The audit trail of one sheet, as a fixed workload: a sheet like 西区 地域課 entered over HTTP
 * (a year of progress and results, two corrections with a reason), then its trail built many times
 * in-process (the pure part: fold, present, diff, JSON) and read over HTTP. Prints p50/p99 and CPU
 * per trail; asserts nothing. bench:rebuild times the same read with a 1M-event store in place.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_READS         timed trails per measure (default 500), after 50 warm-up
 */
import { systemClock } from '@shinchoku/runtime';
import { auditTrail } from '@shinchoku/sheets/domain/audit';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import { SheetCommands } from '@shinchoku/sheets/application/sheet-commands';
import { enterSheet, HEADERS, serveApi } from './api-server';
import { peakRssMiB, withScratchDatabase } from './scratch-database';
import { table } from './table';

const READS = Number(process.env.BENCH_READS ?? 500);
const WARMUP_READS = 50;
const GOAL_MS = 20;

async function timed(read: () => Promise<unknown>): Promise<{ p50: number; p99: number; cpu: number }> {
  for (let i = 0; i < WARMUP_READS; i++) await read();
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await read();
    samples.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), cpu: (cpu.user + cpu.system) / 1000 / READS };
}

async function measure(url: string): Promise<void> {
  const closing: Array<() => Promise<unknown> | void> = [];
  try {
    const { config, resources, origin } = await serveApi(url, 'benchaudit', closing);
    const { sheetId, indicatorIds } = await enterSheet(origin, 1);
    for (const [i, quarter] of [
      [0, 1],
      [3, 2],
    ] as const) {
      const response = await fetch(`${origin}/api/v1/sheets/${sheetId}/indicators/${indicatorIds[i]}/progress/${quarter}`, {
        method: 'PUT',
        headers: HEADERS,
        body: JSON.stringify({ value: '99', reason: '集計誤りのため訂正' }),
      });
      if (!response.ok) throw new Error(`correction: ${response.status} ${await response.text()}`);
    }

    const commands = new SheetCommands(resources.database.db, resources.store, systemClock, config.progressThresholds);
    const { events } = await commands.load(sheetId);
    const trail = auditTrail(events, evolve);
    const path = `/api/v1/sheets/${sheetId}/audit`;
    const get = async () => {
      const response = await fetch(`${origin}${path}`, { headers: HEADERS });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body}`);
      return body;
    };
    console.log(
      `one sheet like 西区 地域課: ${events.length} events, ${trail.length} audit entries, ` +
        `${trail.reduce((n, e) => n + e.changes.length, 0)} changes; ${READS} sequential trails after ${WARMUP_READS} warm-up`,
    );
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['trail, pure (events in memory)', async () => JSON.stringify({ sheetId, items: auditTrail(events, evolve) })],
      [
        'trail, in-process (read + build)',
        async () => JSON.stringify({ sheetId, items: auditTrail((await commands.load(sheetId)).events, evolve) }),
      ],
      ['GET /sheets/{id}/audit', get],
    ];
    const widths = [34, 9, 9, 14, 10];
    const row = table(['read', 'p50 ms', 'p99 ms', 'CPU ms/read', 'p99 ÷ goal'], widths);
    let httpP99 = NaN;
    for (const [title, read] of reads) {
      const { p50, p99, cpu } = await timed(read);
      httpP99 = p99;
      row([title, p50.toFixed(2), p99.toFixed(2), cpu.toFixed(3), (p99 / GOAL_MS).toFixed(2)]);
    }
    console.log(`(CPU of GET includes this process's own HTTP client)\npeak RSS: ${peakRssMiB()} MiB`);
    console.log(
      `goal: audit p99 < ${GOAL_MS} ms (without the 1M-event store: see bench:rebuild): ${httpP99 < GOAL_MS ? 'met' : 'NOT met'} (${httpP99.toFixed(2)} ms)`,
    );
  } finally {
    for (const close of closing)
      await Promise.resolve()
        .then(close)
        .catch((error: unknown) => console.error(error));
  }
}

withScratchDatabase('audit', measure).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
