import type { Sheet } from '../domain/sheet.types';
import type { SheetView } from '../domain/sheet.view';

/**
 * A sheet's state or view as JSON.stringify writes it, with each goal's and indicator's text kept
 * by the object. A state is folded immutably and views of unchanged parts are kept (see viewOf),
 * so a command writes out only the goal and indicator it changed; the rest is text already made.
 */
export const sheetJson = (sheet: Sheet | (SheetView & { version: number })): string =>
  objectJson(sheet, 'goals', (goal) => kept(goal, () => objectJson(goal, 'indicators', indicatorJson)));

/** An indicator (of a state or a view) as JSON.stringify writes it: the text sheetJson made of it, when it did. */
export const indicatorJson = (indicator: object): string => kept(indicator, () => JSON.stringify(indicator));

const texts = new WeakMap<object, string>();

function kept(part: object, write: () => string): string {
  let text = texts.get(part);
  if (text === undefined) texts.set(part, (text = write()));
  return text;
}

/**
 * JSON.stringify(object), but the list under `key` is written item by item with `item`, and the
 * other members that are objects once each (the sheet's contact, plans and such rarely change).
 */
function objectJson(object: object, key: string, item: (value: object) => string): string {
  const members: string[] = [];
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const text =
      name === key
        ? `[${(value as object[]).map(item).join(',')}]`
        : value !== null && typeof value === 'object'
          ? kept(value as object, () => JSON.stringify(value))
          : JSON.stringify(value);
    members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
