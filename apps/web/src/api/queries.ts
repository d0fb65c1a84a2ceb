import { useQueries, useQuery } from '@tanstack/react-query';
import { answer, api, body } from './client';
import { earlyMe, earlySheet } from './early';
import type {
  AuditEntry,
  Contact,
  FiscalYearSummary,
  Me,
  Reminder,
  ReminderSettings,
  ReminderSettingsHistory,
  SheetList,
  SheetListItem,
  SheetStatus,
  SheetView,
  WardSummary,
} from './models';

/** Who is signed in: asked once per sign-in (sign-out clears it), and primed by the sign-in itself. */
export const ME_KEY = ['me'] as const;
export const fetchMe = () => body<Me>(earlyMe() ?? api.GET('/api/v1/me', {}));
export const useMe = () => useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity });

export interface SheetFilter {
  fiscalYear?: string;
  department?: string;
  unit?: string;
  status?: SheetStatus;
}

/** Every sheet the person may see that matches, page after page (a ward has tens, not thousands). */
async function allSheets({ fiscalYear, ...filter }: SheetFilter): Promise<SheetListItem[]> {
  const query = { ...filter, ...(fiscalYear && { fiscalYear: Number(fiscalYear) }), limit: 200 };
  const items: SheetListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await body<SheetList>(api.GET('/api/v1/sheets', { params: { query: { ...query, ...(cursor && { cursor }) } } }));
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export const useSheets = (filter: SheetFilter) => useQuery({ queryKey: ['sheets', filter], queryFn: () => allSheets(filter) });

export const sheetKey = (sheetId: string, asOf?: string | null) => ['sheet', sheetId, asOf ?? null] as const;

/** A sheet with the version it showed (its ETag), which a save sends back as If-Match. */
export async function fetchSheet(sheetId: string, asOf?: string | null, fresh = false): Promise<{ sheet: SheetView; version: number }> {
  const { body: sheet, version } = await answer<SheetView>(
    (!asOf && !fresh && earlySheet(sheetId)) ||
      api.GET('/api/v1/sheets/{sheetId}', {
        params: { path: { sheetId }, query: asOf ? { asOf } : {} },
        ...(fresh && { headers: { 'cache-control': 'no-cache' } }),
      }),
  );
  return { sheet, version: version ?? sheet.version ?? 0 };
}

/** The sheet as the page shows it: never refetched behind the person's back while they type. */
export const useSheet = (sheetId: string, asOf?: string | null) =>
  useQuery({ queryKey: sheetKey(sheetId, asOf), queryFn: () => fetchSheet(sheetId, asOf), staleTime: Infinity });

/** Several sheets at once (the ward grid). */
export const useSheetViews = (sheetIds: string[]) =>
  useQueries({
    queries: sheetIds.map((sheetId) => ({ queryKey: sheetKey(sheetId), queryFn: () => fetchSheet(sheetId), staleTime: Infinity })),
  });

export const useAudit = (sheetId: string) =>
  useQuery({
    queryKey: ['audit', sheetId],
    queryFn: () =>
      body<{ items: AuditEntry[] }>(
        api.GET('/api/v1/sheets/{sheetId}/audit', { params: { path: { sheetId }, query: { format: 'json' } } }),
      ),
  });

export const useWardSummary = (department: string, fiscalYear: string) =>
  useQuery({
    queryKey: ['ward', department, fiscalYear],
    enabled: department !== '' && fiscalYear !== '',
    queryFn: () =>
      body<WardSummary>(
        api.GET('/api/v1/summaries/wards/{department}/{fiscalYear}', { params: { path: { department, fiscalYear: Number(fiscalYear) } } }),
      ),
  });

/** Each unit's quarters for the years asked: which are missing, and which of those are due. */
export const useCompletion = (fiscalYears: number[]) =>
  useQueries({
    queries: fiscalYears.map((fiscalYear) => ({
      queryKey: ['completion', fiscalYear],
      queryFn: () => body<FiscalYearSummary>(api.GET('/api/v1/summaries/fiscal-years/{fiscalYear}', { params: { path: { fiscalYear } } })),
    })),
  });

export const useReminders = () =>
  useQuery({
    queryKey: ['reminders'],
    queryFn: () => body<{ items: Reminder[] }>(api.GET('/api/v1/reminders', { params: { query: { limit: 200 } } })),
  });

/** Only for those who manage contacts somewhere: for anyone else the API answers 403. */
export const useContacts = (enabled: boolean) =>
  useQuery({ queryKey: ['contacts'], enabled, queryFn: () => body<{ items: Contact[] }>(api.GET('/api/v1/contacts', {})) });

/** The reminder settings and their history share one prefix: a change refreshes both. */
export const SETTINGS_KEY = ['settings'] as const;

/** The settings with the version they showed (their ETag), which a change sends back as If-Match. */
export const useSettings = () =>
  useQuery({
    queryKey: [...SETTINGS_KEY, 'current'],
    queryFn: async () => {
      const { body: settings, version } = await answer<ReminderSettings>(api.GET('/api/v1/settings/reminders', {}));
      return { settings, version: version ?? settings.version };
    },
  });

export const useSettingsHistory = () =>
  useQuery({
    queryKey: [...SETTINGS_KEY, 'history'],
    queryFn: () => body<ReminderSettingsHistory>(api.GET('/api/v1/settings/reminders/history', {})),
  });
