/**
 * The audit trail of a stream: one entry per command, saying what changed in terms people read on
 * the printed sheet — "Q2 progress of SNSによる情報発信件数 went from 48 to 52, by whom, when, why".
 *
 * Each command's state before and after is turned into a tree of what people see (`Shown`), and the
 * two trees are diffed. The diff is generic; the presentation rules below decide the paths:
 *
 *   goals[1].indicators[SNSによる情報発信件数].progress.Q2   "48" → "52"
 *   goals[1].indicators[SNSによる情報発信件数].progress.Q2.note
 *   goals[3].evaluation.rating                               null → "○"
 *   goals[4]                                                 null → the goal's text (added)
 *   goals[1].indicators[名前]                                 null → the target's text (defined)
 *   priorityGoals[2].text, evaluationDate, status, policyIndicators (whole list)
 *
 * - A goal is named by its number, a 重点目標 by its number, an indicator or initiative by its name,
 *   a baseline by its fiscal year, a quarter as Q1…Q4. Ids never appear in paths or values.
 * - Things are named as they are after the command; only what the command removed is named as it was.
 *   So renaming an indicator reads `indicators[新しい名前].name  "古い名前" → "新しい名前"`, and every later
 *   entry uses the new name too. Indicators and goals are paired by their ids, so a rename or a
 *   renumbering is a change of one field, never a removal plus an addition.
 * - Two siblings with the same name are told apart by their order: `indicators[名前]`, `indicators[名前]#2`.
 *   `]` and `\` inside a name are escaped with `\`.
 * - Measurements, targets and recorded values show as their text; a rating profile as one line; a
 *   list of strings (planRefs, policyIndicators) as one change holding both whole lists.
 *
 * Pure: no clock, no I/O.
 */

export interface AuditChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  /** The stream version after the command. */
  version: number;
  /** The first version the command wrote (a command may write several events). */
  fromVersion: number;
  /** When the command's events were recorded (ISO). */
  at: string;
  actor: { id: string; name: string };
  /** The command, named from its events: 'RecordProgress' for ProgressRecorded/ProgressCorrected, 'CreateSheet' for SheetCreated. */
  command: string;
  /** The event types, in order. */
  events: string[];
  reason?: string;
  source: string;
  commandId: string;
  /** An import that overwrote values changed since the version its workbook was exported at. */
  forced?: { sinceVersion: number };
  changes: AuditChange[];
}

/** What the audit needs of a stored event (StoredEvent fits). */
export interface AuditableEvent {
  type: string;
  data: unknown;
  version: number;
  recordedAt: Date;
  metadata: { actor: { id: string; name: string }; commandId: string; reason?: string; source: string; forced?: { sinceVersion: number } };
}

/** The command each event type comes from. */
const COMMAND_OF: Readonly<Record<string, string>> = {
  SheetCreated: 'CreateSheet',
  SheetRevised: 'ReviseSheet',
  GoalAdded: 'AddGoal',
  GoalRevised: 'ReviseGoal',
  GoalRemoved: 'RemoveGoal',
  IndicatorDefined: 'DefineIndicator',
  IndicatorRevised: 'ReviseIndicator',
  TargetSet: 'SetTarget',
  ProgressRecorded: 'RecordProgress',
  ProgressCorrected: 'RecordProgress',
  ResultRecorded: 'RecordResult',
  ResultCorrected: 'RecordResult',
  EvaluationDateSet: 'SetEvaluationDate',
  GoalEvaluated: 'Evaluate',
  SheetClosed: 'CloseSheet',
  SheetReopened: 'ReopenSheet',
  WardPlanCreated: 'CreateWardPlan',
  PriorityGoalsRevised: 'RevisePriorityGoals',
  WardPlanEvaluated: 'EvaluateWardPlan',
  ReminderSent: 'RecordReminder',
};

/** Events that only accompany a command's main event (activation comes with the first progress, result or evaluation). */
const ACCOMPANYING: ReadonlySet<string> = new Set(['SheetActivated']);

/**
 * Folds the stream, grouping consecutive events by commandId, and diffs the state before and after each command.
 * The events are read from the stream `evolve` belongs to: that is the caller's word, taken as `E`.
 */
export function auditTrail<S, E>(events: readonly AuditableEvent[], evolve: (state: S | undefined, event: E) => S): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let state: S | undefined;
  let shown: Shown | undefined;
  for (const group of commands(events)) {
    for (const event of group) state = evolve(state, event as E);
    const before = shown;
    shown = state === undefined ? undefined : present(state);
    const changes: AuditChange[] = [];
    diff(before, shown, '', changes);

    const first = group[0]!;
    const last = group.at(-1)!;
    const { actor, commandId, reason, source, forced } = first.metadata;
    entries.push({
      version: last.version,
      fromVersion: first.version,
      at: first.recordedAt.toISOString(),
      actor: { id: actor.id, name: actor.name },
      command: commandName(group.map((event) => event.type)),
      events: group.map((event) => event.type),
      ...(reason !== undefined && { reason }),
      source,
      commandId,
      ...(forced !== undefined && { forced }),
      changes,
    });
  }
  return entries;
}

/** Runs of consecutive events with the same commandId: one command each (a command's events are contiguous). */
function commands(events: readonly AuditableEvent[]): AuditableEvent[][] {
  const groups: AuditableEvent[][] = [];
  for (const event of events) {
    const current = groups.at(-1);
    if (current && current[0]!.metadata.commandId === event.metadata.commandId) current.push(event);
    else groups.push([event]);
  }
  return groups;
}

/** Named by the first event that is not merely accompanying; an unknown type names itself. */
function commandName(types: readonly string[]): string {
  const main = types.find((type) => !ACCOMPANYING.has(type)) ?? types[0]!;
  return COMMAND_OF[main] ?? main;
}

// ---------------------------------------------------------------------------------------------
// The generic part: a tree of what people see, and its diff
// ---------------------------------------------------------------------------------------------

/** What one cell of the audit table shows: a text, a number, a list of texts, or nothing. */
type Leaf = string | number | boolean | null | readonly string[];

interface Shown {
  /** What the node itself shows (a progress value's text); undefined for a pure container. */
  value?: Leaf;
  /** When the node appears or disappears as a whole, this one value stands for it (a goal's text) instead of its parts. */
  summary?: Leaf;
  children: Child[];
}

interface Child {
  /** Pairs the child before and after a command: an id where there is one, else the label. */
  key: string;
  /** How the path names the child: `evaluation`, `[1]`, `Q2`. */
  segment: string;
  node: Shown;
}

function diff(before: Shown | undefined, after: Shown | undefined, path: string, out: AuditChange[]): void {
  // Shown nodes are cached per state object (see collection), so a part no event touched is the very same node.
  if (before === after) return;
  const whole = before === undefined ? after : after === undefined ? before : undefined;
  if (whole?.summary !== undefined) {
    change(path, before?.summary, after?.summary, out);
    return;
  }
  if (before?.value !== undefined || after?.value !== undefined) change(path, before?.value, after?.value, out);
  for (const pair of pairs(before?.children ?? [], after?.children ?? [])) {
    diff(pair.before, pair.after, join(path, pair.segment), out);
  }
}

/** Records a change when the values differ; a missing list reads as an empty one, anything else missing as null. */
function change(path: string, before: Leaf | undefined, after: Leaf | undefined, out: AuditChange[]): void {
  const missing = Array.isArray(before) || Array.isArray(after) ? [] : null;
  const b = before ?? missing;
  const a = after ?? missing;
  if (!sameLeaf(b, a)) out.push({ path, before: b, after: a });
}

/** Leaves hold JSON values: texts, numbers, booleans, null, or lists of texts. */
function sameLeaf(a: Leaf, b: Leaf): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

interface Pair {
  key: string;
  segment: string;
  before?: Shown;
  after?: Shown;
}

/** The children of both sides, paired by key, in the after order; removed ones where they stood before. */
function pairs(before: readonly Child[], after: readonly Child[]): Pair[] {
  // The common case: the same children in the same order (keys are unique among siblings).
  if (before.length === after.length && before.every((child, i) => child.key === after[i]!.key)) {
    return after.map((child, i) => ({ key: child.key, segment: child.segment, before: before[i]!.node, after: child.node }));
  }
  const old = new Map(before.map((child) => [child.key, child.node]));
  const kept = new Set(after.map((child) => child.key));
  const result: Pair[] = after.map((child) => ({
    key: child.key,
    segment: child.segment,
    before: old.get(child.key),
    after: child.node,
  }));
  let at = 0;
  for (const child of before) {
    if (kept.has(child.key)) {
      at = result.findIndex((pair) => pair.key === child.key) + 1;
    } else {
      result.splice(at, 0, { key: child.key, segment: child.segment, before: child.node });
      at += 1;
    }
  }
  return result;
}

const join = (path: string, segment: string): string => (!path || segment.startsWith('[') ? path + segment : `${path}.${segment}`);

// ---------------------------------------------------------------------------------------------
// Presentation rules: sheets and ward plans as people read them
// ---------------------------------------------------------------------------------------------

type Fields = Record<string, unknown>;
type Rule = (value: unknown) => Shown;

/** The fields of one kind of object, in the printed sheet's order, and how each is shown. Unlisted fields follow, as they come. */
interface Kind {
  order: readonly string[];
  fields: Readonly<Record<string, Rule>>;
}

/** Identities, not something people read: the stream is the sheet, and goals and indicators have names. */
const HIDDEN: ReadonlySet<string> = new Set(['sheetId', 'wardPlanId', 'goalId', 'indicatorId']);

const leaf = (value: Leaf): Shown => ({ value, children: [] });

/** Anything without a rule: texts and numbers as they are, lists of texts whole, objects field by field, other lists by position. */
const show: Rule = (value) => {
  if (value === null || value === undefined) return leaf(null);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return leaf(value);
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return leaf(value);
    return { children: value.map((item, index) => ({ key: String(index), segment: `[${index}]`, node: show(item) })) };
  }
  if (typeof value === 'object') return object(value as Fields);
  return leaf(textOrNull(value));
};

function object(value: Fields, kind: Kind = PLAIN): Shown {
  const rank = (field: string) => {
    const index = kind.order.indexOf(field);
    return index < 0 ? kind.order.length : index;
  };
  const fields = Object.keys(value)
    .filter((field) => value[field] !== undefined && !HIDDEN.has(field))
    .sort((a, b) => rank(a) - rank(b));
  return { children: fields.map((field) => ({ key: field, segment: field, node: (kind.fields[field] ?? show)(value[field]) })) };
}

const textOf = (value: unknown): string | undefined => {
  const text = (value as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : undefined;
};

/** A scalar as text; anything else (absent, an object) has none. */
const textOrNull = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;

/** A measurement or a target: its text as written. */
const asText: Rule = (value) => leaf(textOf(value) ?? null);

/** A Recorded progress or result: its value's text, and its note below it. */
const recorded: Rule = (value) => {
  const { value: measurement, note } = value as { value?: unknown; note?: unknown };
  return {
    value: textOf(measurement) ?? null,
    children: note === undefined ? [] : [{ key: 'note', segment: 'note', node: show(note) }],
  };
};

/** Quarters 1…4 as Q1…Q4. */
const progress: Rule = (value) => {
  const quarters = value as Fields;
  return {
    children: Object.keys(quarters)
      .filter((quarter) => quarters[quarter] !== undefined)
      .sort()
      .map((quarter) => ({ key: quarter, segment: `Q${quarter}`, node: recorded(quarters[quarter]) })),
  };
};

/** 'allIndicatorsMet', or 'achievementBands(○≥1, △≥0.5, ×≥0)'. */
const ratingProfile: Rule = (value) => {
  const profile = value as { kind?: unknown; bands?: Array<{ minRate: number; rating: string }> };
  const bands = profile.bands?.map((band) => `${band.rating}≥${band.minRate}`).join(', ');
  return leaf(bands === undefined ? String(profile.kind) : `${String(profile.kind)}(${bands})`);
};

/**
 * A list whose elements people know by a label (a number, a name). Elements are paired by `identity`
 * when they have one (so a rename is a change, not a removal and an addition), else by their label.
 */
function collection(spec: { label(item: Fields): unknown; identity?(item: Fields): unknown; show(item: Fields): Shown }): Rule {
  // States are folded immutably: an element no event touched is the same object in the next state,
  // and shows the same. Caching its node spares presenting it again after every command, and lets
  // diff skip it as a whole.
  const shown = new WeakMap<Fields, Shown>();
  const showItem = (item: Fields): Shown => {
    if (item === null || typeof item !== 'object') return spec.show(item);
    let node = shown.get(item);
    if (!node) shown.set(item, (node = spec.show(item)));
    return node;
  };
  return (value) => {
    const seen = new Map<string, number>();
    const children = (Array.isArray(value) ? (value as Fields[]) : []).map((item) => {
      const name = String(spec.label(item)).replace(/[\\\]]/g, '\\$&');
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      const label = count === 1 ? `[${name}]` : `[${name}]#${count}`;
      const identity = textOrNull(spec.identity?.(item));
      return { key: identity === null ? `label ${label}` : `id ${identity}`, segment: label, node: showItem(item) };
    });
    return { children };
  };
}

const PLAIN: Kind = { order: [], fields: {} };

const EVALUATION: Kind = {
  order: ['rating', 'suggestedRating', 'goalCount', 'achievedCount', 'status', 'policy', 'direction', 'reason', 'evaluatedOn'],
  fields: {},
};

const INDICATOR: Kind = {
  order: ['name', 'unit', 'measure', 'baselines', 'notes', 'target', 'progress', 'result'],
  fields: {
    baselines: collection({ label: (b) => b.fiscalYear, show: (b) => asText(b.actual) }),
    target: asText,
    progress,
    result: recorded,
  },
};

const GOAL: Kind = {
  order: ['no', 'text', 'priorityGoalNo', 'planRefs', 'initiatives', 'indicators', 'evaluation'],
  fields: {
    initiatives: collection({
      label: (i) => i.name,
      show: (i) => ({ ...object(i), summary: textOrNull(i.description ?? i.name) }),
    }),
    indicators: collection({
      label: (i) => i.name,
      identity: (i) => i.indicatorId,
      show: (i) => ({ ...object(i, INDICATOR), summary: textOf(i.target) ?? textOrNull(i.name) }),
    }),
    evaluation: (value) => object(value as Fields, EVALUATION),
  },
};

/** A sheet or a ward plan. */
const ROOT: Kind = {
  order: [
    'fiscalYear',
    'department',
    'unit',
    'headName',
    'status',
    'purpose',
    'introduction',
    'policyIndicators',
    'contact',
    'createdOn',
    'amendedOn',
    'evaluationDate',
    'approach',
    'resultSummary',
    'ratingProfile',
    'priorityGoals',
    'goals',
    'evaluation',
  ],
  fields: {
    ratingProfile,
    goals: collection({
      label: (g) => g.no,
      identity: (g) => g.goalId,
      show: (g) => ({ ...object(g, GOAL), summary: textOrNull(g.text) }),
    }),
    priorityGoals: collection({ label: (g) => g.no, show: (g) => ({ ...object(g), summary: textOrNull(g.text) }) }),
    evaluation: (value) => object(value as Fields, EVALUATION),
  },
};

function present(state: unknown): Shown {
  return state !== null && typeof state === 'object' && !Array.isArray(state) ? object(state as Fields, ROOT) : show(state);
}
