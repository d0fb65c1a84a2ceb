import type { Sheet } from '../domain/sheet.types';
import { goalJson, indicatorJson } from './sheet-json';

/** Where in the state document a part goes (jsonb_set's path), and its JSON. */
export type StatePatch = [path: string[], json: string];

/** Beyond this many parts, the whole state is as cheap to send. */
const MAX_PATCHES = 8;

/**
 * The parts of `next` that differ from `previous`, the state the projection holds: the state is
 * folded immutably, so an untouched field, goal or indicator is the same value or object as before.
 * Undefined when the shape changed (a field set or cleared, a goal or indicator added, removed or
 * moved): then the whole state is written.
 */
export function statePatches(previous: Sheet, next: Sheet): StatePatch[] | undefined {
  const patches: StatePatch[] = [];
  if (!sameKeys(previous, next)) return undefined;
  for (const [key, value] of definedEntries(next)) {
    const before = (previous as unknown as Record<string, unknown>)[key];
    if (value === before) continue;
    if (key !== 'goals') {
      patches.push([[key], JSON.stringify(value)]);
      continue;
    }
    if (previous.goals.length !== next.goals.length) return undefined;
    for (const [g, goal] of next.goals.entries()) {
      const old = previous.goals[g]!;
      if (goal === old) continue;
      if (goal.goalId !== old.goalId) return undefined;
      const sameShape =
        sameKeys(old, goal) &&
        definedEntries(goal).every(([name, part]) => name === 'indicators' || part === (old as unknown as Record<string, unknown>)[name]) &&
        goal.indicators.length === old.indicators.length &&
        goal.indicators.every((indicator, i) => indicator.indicatorId === old.indicators[i]!.indicatorId);
      if (!sameShape) {
        patches.push([['goals', String(g)], goalJson(goal)]);
        continue;
      }
      goal.indicators.forEach((indicator, i) => {
        if (indicator !== old.indicators[i]) patches.push([['goals', String(g), 'indicators', String(i)], indicatorJson(indicator)]);
      });
    }
  }
  return patches.length <= MAX_PATCHES ? patches : undefined;
}

/** As JSON.stringify writes them: members whose value is undefined are left out. */
const definedEntries = (object: object): Array<[string, unknown]> => Object.entries(object).filter(([, value]) => value !== undefined);

function sameKeys(a: object, b: object): boolean {
  const before = definedEntries(a).map(([key]) => key);
  const after = definedEntries(b).map(([key]) => key);
  return before.length === after.length && after.every((key) => before.includes(key));
}

/** The patches as one JSON array for project_sheet_patch: the parts' JSON goes in as it is. */
export const patchesJson = (patches: readonly StatePatch[]): string =>
  `[${patches.map(([path, json]) => `[${JSON.stringify(path)},${json}]`).join(',')}]`;
