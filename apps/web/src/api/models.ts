import type { components } from '@shinchoku/api-client';

/**
 * The response shapes the pages read, by the names the pages use: each is the generated
 * `components['schemas']` type of @shinchoku/api-client (or a part of one), so a page and the
 * OpenAPI document cannot drift apart.
 */
type Schemas = components['schemas'];

export type SheetView = Schemas['Sheet'];
export type GoalView = Schemas['Goal'];
export type IndicatorView = Schemas['Indicator'];
export type Rating = NonNullable<GoalView['suggestedRating']>;
export type ProgressState = GoalView['progressState'];
export type SheetStatus = SheetView['status'];
export type Quarter = IndicatorView['progressState']['quarters'][number]['quarter'];

export type SheetList = Schemas['SheetList'];
export type SheetListItem = SheetList['items'][number];
export type AuditEntry = Schemas['AuditTrail']['items'][number];

export type WardSummary = Schemas['WardSummary'];
export type FiscalYearSummary = Schemas['FiscalYearSummary'];

export type Reminder = Schemas['ReminderList']['items'][number];
export type Contact = Schemas['Contact'];

export type ImportReport = Schemas['ImportReport'];

export type ReminderSettings = Schemas['ReminderSettings'];
export type SettingSource = ReminderSettings['sources']['policy'];
export type ReminderSettingsHistory = Schemas['ReminderSettingsHistory'];
export type SettingsChange = ReminderSettingsHistory['items'][number];

/** Who is signed in, their grants and what those allow (GET /me). */
export type Me = Schemas['Me'];

/** How to sign in; `sso` when the identity provider is offered (GET /sign-in/options). */
export type SignInOptions = Schemas['SignInOptions'];
export type SsoOptions = NonNullable<SignInOptions['sso']>;

/** application/problem+json, as every refusal is answered. */
export type Problem = Schemas['Problem'];
