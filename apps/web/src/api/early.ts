import { api } from './client';
import { session } from './session';

/**
 * The first page's data, asked for while this module is evaluated: main.tsx imports it first, and
 * ES modules run in import order, so the requests leave before React and the pages are evaluated
 * and the first frame rendered (on the sheet page they used to leave only then, the last step of a
 * serial chain). The queries take these answers, once, instead of asking again.
 */
const signedIn = session.token() !== undefined;
const sheetId = /^\/sheets\/([^/]+)$/.exec(location.pathname)?.[1];
const current = !new URLSearchParams(location.search).has('asOf');

let me = signedIn ? api.GET('/api/v1/me', {}) : undefined;
let sheet =
  signedIn && sheetId && current
    ? { sheetId, call: api.GET('/api/v1/sheets/{sheetId}', { params: { path: { sheetId }, query: {} } }) }
    : undefined;

/** GET /me as sent at load, the first time it is asked for. */
export function earlyMe() {
  const call = me;
  me = undefined;
  return call;
}

/** GET /sheets/{id} (the current sheet) as sent at load, the first time that sheet is asked for. */
export function earlySheet(id: string) {
  if (sheet?.sheetId !== id) return undefined;
  const { call } = sheet;
  sheet = undefined;
  return call;
}
