import { statePatches, type StatePatch } from '@shinchoku/sheets/application/state-patch';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { run, seed西区地域課, 西区地域課 } from './sheet-builder';

/**
 * A command on a sheet sends the projection only the parts of the state it changed, which
 * project_sheet_patch sets into the stored document with jsonb_set (here: the same in JSON).
 * Applied to the state before, they must give exactly the state after, command after command.
 */
const today = '2024-10-05';
const commands: SheetCommand[] = [
  { type: 'RecordProgress', indicatorId: 西区地域課.sns, quarter: 2, value: 51, today },
  { type: 'RecordProgress', indicatorId: 西区地域課.sns, quarter: 2, value: '52件', note: '集計し直し', reason: '集計漏れ', today },
  { type: 'ReviseGoal', goalId: 西区地域課.goals[1], changes: { text: '大学との連携を支援します。' }, today },
  { type: 'RecordResult', indicatorId: 西区地域課.sakata, value: '38,500', today },
  { type: 'ReviseSheet', changes: { ratingProfile: { kind: 'achievementBands', bands: [{ minRate: 0, rating: '×' }] } }, today },
  { type: 'Evaluate', goalId: 西区地域課.goals[0], rating: '○', today },
  { type: 'RemoveGoal', goalId: 西区地域課.goals[4], today },
];

/** jsonb_set(document, path, value, false) on parsed JSON. */
function applied(state: Sheet, patches: readonly StatePatch[]): unknown {
  const document = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
  for (const [path, json] of patches) {
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, document);
    expect(parent).toHaveProperty([path.at(-1)!]);
    parent[path.at(-1)!] = JSON.parse(json);
  }
  return document;
}

describe('statePatches', () => {
  it('gives, applied to the state before, the state after every command, or nothing when its shape changed', () => {
    let { state } = run(seed西区地域課());
    const kinds: string[] = [];
    for (const command of commands) {
      const next = run([command], state).state;
      const patches = statePatches(state, next);
      kinds.push(patches === undefined ? 'whole' : patches.map(([path]) => path.join('.')).join(' '));
      if (patches) expect(applied(state, patches)).toEqual(JSON.parse(JSON.stringify(next)));
      state = next;
    }
    // A progress figure or a result is one indicator (the first progress also starts the sheet);
    // a removed goal changes the shape.
    expect(kinds[1]).toMatch(/^goals\.\d+\.indicators\.\d+$/);
    expect(kinds[3]).toMatch(/^goals\.\d+\.indicators\.\d+$/);
    expect(kinds.at(-1)).toBe('whole');
  });

  it('writes the whole state when a field is set that was not there, or cleared', () => {
    const { state } = run(seed西区地域課());
    expect(state.approach).toBeUndefined();
    const set: Sheet = { ...state, approach: '大学と連携して進めます。' };
    expect(statePatches(state, set)).toBeUndefined();
    expect(statePatches(set, state)).toBeUndefined();
  });
});
