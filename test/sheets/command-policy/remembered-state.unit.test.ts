import type { AppendResult, EventStore, StreamAppend } from '@shinchoku/event-store';
import type { DeepReadonly } from '@shinchoku/immutable';
import { sheetAggregate } from '@shinchoku/sheets/application/aggregates';
import { CommandRunner } from '@shinchoku/sheets/application/command-runner';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';

const from = { actor: { id: 'u-test', name: 'テスト 太郎' }, source: 'test' };
const clock = { now: () => new Date('2024-07-05T10:00:00+09:00') };

/**
 * A runner with no database: the stream is new (an empty snapshot), every append succeeds, and
 * each state decide is handed is recorded.
 */
function runnerSeeingStates() {
  const aggregate = sheetAggregate(DEFAULT_PROGRESS_THRESHOLDS);
  const seen: Array<DeepReadonly<Sheet> | undefined> = [];
  const store = {
    appendEach: (parts: readonly StreamAppend[]): Promise<Array<PromiseSettledResult<Partial<AppendResult>>>> =>
      Promise.resolve(
        parts.map(({ streamId, expectedVersion, commands }) => {
          const from = (expectedVersion as number) + 1;
          const toVersion = from - 1 + commands.reduce((n, { events }) => n + events.length, 0);
          return { status: 'fulfilled', value: { streamId, fromVersion: from, toVersion, duplicate: false } };
        }),
      ),
  } as unknown as EventStore;
  const runner = new CommandRunner<Sheet, SheetCommand, SheetEvent>(
    undefined as never,
    store,
    {
      ...aggregate,
      snapshot: () => Promise.resolve({ version: 0, head: 0 }),
      decide: (command, state) => (seen.push(state), aggregate.decide(command, state)),
    },
    clock,
  );
  return { runner, seen };
}

/**
 * The state a runner remembers between commands is handed to every later command on its stream,
 * and the next state shares its unchanged parts: changing it is a compile error (each
 * `@ts-expect-error` fails the typecheck if the write ever compiles) and, as tests run with
 * NODE_ENV=test, a TypeError.
 */
describe('the state a runner remembers between commands', () => {
  it('cannot be changed, at any depth', async () => {
    const { runner, seen } = runnerSeeingStates();
    const sheetId = 'b5b0f0f4-3f6e-4c1b-9d2a-1c1f0e2d3a4b';
    await runner.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: '地域課' }, from);
    await runner.run(sheetId, { type: 'AddGoal', goalId: 'g1', text: '魅力を発信します。' }, from);
    await runner.run(sheetId, { type: 'AddGoal', goalId: 'g2', text: '参加を広げます。' }, from);

    expect(seen[0]).toBeUndefined();
    const remembered = seen[2]!;
    expect(() => {
      // @ts-expect-error a remembered state is read-only
      remembered.status = 'closed';
    }).toThrow(TypeError);
    expect(() => {
      // @ts-expect-error and so are its goals
      remembered.goals[0]!.text = '書き換え';
    }).toThrow(TypeError);
    expect(() => {
      // @ts-expect-error and its lists
      remembered.goals.push(remembered.goals[0]!);
    }).toThrow(TypeError);
    expect(remembered).toMatchObject({ status: 'draft', goals: [{ goalId: 'g1', text: '魅力を発信します。' }] });
    expect(seen[1]).toMatchObject({ status: 'draft', goals: [] });
  });

  it('is a new state after each command, the one before left as it was', async () => {
    const { runner, seen } = runnerSeeingStates();
    const sheetId = '0f4c2b7e-8a1d-4e5f-9b3c-2d1e0f9a8b7c';
    await runner.run(sheetId, { type: 'CreateSheet', sheetId, fiscalYear: 2024, department: '西区', unit: '地域課' }, from);
    await runner.run(sheetId, { type: 'AddGoal', goalId: 'g1', text: '魅力を発信します。' }, from);
    await runner.run(sheetId, { type: 'ReviseGoal', goalId: 'g1', changes: { text: '魅力を広く発信します。' } }, from);
    await runner.run(sheetId, { type: 'ReviseSheet', changes: { purpose: '地域の魅力を伝える。' } }, from);

    expect(seen[2]!.goals[0]!.text).toBe('魅力を発信します。');
    expect(seen[3]!.goals[0]!.text).toBe('魅力を広く発信します。');
    expect(seen[3]).not.toBe(seen[2]);
  });
});
