/**
 * Every `code` a problem response can carry, with what it means to a client: the one list the
 * `Problem` type, the OpenAPI `Problem.code` enum and its description are made from. A code the
 * service emits that is missing here fails to compile; a code here that nothing emits fails a test.
 */
export const PROBLEM_CODES = {
  // 400: the request as sent cannot be read or is not valid.
  InvalidRequest: 'a path parameter, query parameter or body field is wrong; `errors` names each one',
  InvalidJson: 'the body is not valid JSON, or is empty while declared as JSON',
  InvalidHeader: 'a request header (If-Match, Idempotency-Key) is malformed',
  InvalidContentLength: 'the Content-Length does not match the body',
  InvalidUrl: 'the path is not valid percent-encoded UTF-8',
  MalformedRequest: 'the request is not valid HTTP',
  MalformedMultipart: 'the multipart/form-data body cannot be read',
  // 401 and 403: who is asking, and whether they may.
  Unauthenticated: 'no bearer token, or one that is unknown or revoked',
  TokenExpired: 'the bearer token has expired: ask for a new one',
  PermissionMissing: 'the token lacks the permission this needs here; `permission` names it',
  // 404: nothing there (yet).
  RouteNotFound: 'no such route',
  SheetNotFound: 'no sheet with this id',
  SheetNotYetCreated: 'the sheet did not exist yet at the asked `asOf`',
  VersionNotFound: 'the sheet has no such version yet',
  GoalNotFound: 'no goal with this id on the sheet',
  IndicatorNotFound: 'no indicator with this id on the sheet',
  WardPlanNotFound: 'no ward plan (区 組織目標) with this id',
  TokenNotFound: 'no token with this id',
  ContactNotFound: 'no contact with this id that the token may see',
  SummaryNotFound: 'neither sheets nor a ward plan exist for this ward and fiscal year',
  NothingToExport: 'no sheets or ward plan of this ward for this fiscal year',
  // 408, 409, 412: timing and concurrency.
  RequestTimeout: 'the request did not arrive in time (408), or took longer to answer than the server allows (503)',
  ConcurrentChange: 'the data changed while the request was applied; reload and retry',
  StaleWorkbook: 'cells of the uploaded workbook were changed by someone else since it was exported; `conflicts` lists them',
  VersionMismatch: 'If-Match named another version than the current one; the ETag header carries the current one',
  // 413, 414, 415, 431: too large or the wrong kind.
  BodyTooLarge: 'the JSON body is larger than the server accepts',
  FileTooLarge: 'the uploaded file is larger than IMPORT_MAX_BYTES',
  UnzippedTooLarge: 'the workbook unpacks to more than IMPORT_MAX_UNZIPPED_BYTES',
  ReadMemoryExceeded: 'reading the file needed more memory than IMPORT_READ_MEMORY_MB',
  UrlTooLong: 'a part of the path is longer than the server accepts',
  UnsupportedMediaType: 'the body is not of the media type this route reads',
  UnsupportedDocument: 'the uploaded file is not a document this service can import',
  HeadersTooLarge: 'the request line and headers are larger than the server accepts',
  // 422: well-formed, but against a rule of the domain.
  IdempotencyKeyReused: 'this Idempotency-Key was already used for a different request',
  ExpiryInPast: 'the token would already have expired',
  WebhookUrlRefused: 'the webhook URL points somewhere reminders may not be sent',
  SheetAlreadyExists: 'the org unit already has a sheet for this fiscal year',
  SheetClosed: 'the sheet is closed: reopen it to change it',
  SheetNotClosed: 'only a closed sheet can be reopened',
  GoalAlreadyExists: 'a goal with this id already exists',
  GoalNumberTaken: 'another goal of the sheet has this number',
  IndicatorAlreadyDefined: 'an indicator with this id already exists',
  QuarterOutOfRange: 'the quarter is not 1 to 4',
  EvaluationDateOutsideWindow: 'the evaluation date is outside the fiscal year’s evaluation window',
  ReasonRequired: 'this change needs a reason',
  GoalsNotEvaluated: 'every goal must be evaluated before the sheet is closed',
  SheetHasNoGoals: 'a sheet without goals cannot be closed',
  WardPlanAlreadyExists: 'the ward already has a plan for this fiscal year',
  PriorityGoalNumberTaken: 'two 重点目標 have the same number',
  AchievedCountTooHigh: 'the achieved count exceeds the number of 重点目標',
  InvalidDate: 'the date is not a real calendar date',
  ProgressEntryOnLevel: 'a level indicator has no progress entry mode',
  UnreadableDocument: 'the uploaded document cannot be read completely; `line` and `cell` say where',
  CorruptWorkbook: 'the workbook is damaged',
  EmptyFile: 'the uploaded file is empty',
  NotAWorkbook: 'the file is not an .xlsx workbook',
  TruncatedDocument: 'the document ends before it is complete',
  IdMismatch: 'an id in the workbook does not belong where it is',
  ForeignId: 'an id in the file belongs to another sheet, unit or ward (403)',
  TooManySheets: 'the workbook has more worksheets than IMPORT_MAX_SHEETS',
  TooManyRows: 'a worksheet has more rows than IMPORT_MAX_ROWS',
  TooManyColumns: 'a worksheet has more columns than IMPORT_MAX_COLUMNS',
  TooManyCells: 'the workbook has more cells than IMPORT_MAX_CELLS',
  ReadTimeExceeded: 'reading the file took longer than IMPORT_READ_TIMEOUT_MS',
  // 429, 5xx.
  TooManyRequests: 'over the rate limit; retry after Retry-After seconds',
  HttpError: 'a request the framework refused before any route saw it',
  InternalError: 'something went wrong on the server; the request may be retried',
  DatabaseUnavailable: 'the database is locked, slow or unreachable; retry after Retry-After seconds',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export const PROBLEM_CODE_LIST = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];
