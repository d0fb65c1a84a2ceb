import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import type { DeepReadonly } from '@shinchoku/immutable';
import { PROBLEM_CODES, PROBLEM_CODE_LIST } from './problem-codes';

/**
 * The response shapes, each under its `components.schemas` name. They are zod schemas like the
 * request ones, so a controller's return type is `Out<typeof schema>` and the document and the
 * code cannot say different things.
 */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

/** Registers a response schema under its component name. */
export function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  responseSchemas.add(schema, { id, description });
  return schema;
}

/** What a handler returns for a response schema: only serialized, so it may be (part of) a read-only state. */
export type Out<T extends z.ZodType> = DeepReadonly<z.output<T>>;

/** RFC 9457 problem details, as every error leaves (see Problem and problem-codes.ts). */
export const problemSchema = named(
  'Problem',
  'An RFC 9457 problem. `code` is stable for clients to branch on; `title` and `detail` are for people.',
  z.looseObject({
    type: z.string().meta({ description: '`urn:shinchoku:problem:<code>`' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.enum(PROBLEM_CODE_LIST).meta({
      description: Object.entries(PROBLEM_CODES)
        .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
        .join('\n'),
    }),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ description: 'where: body.goals[0].no, query.fiscalYear, header.if-match' }),
          message: z.string(),
        }),
      )
      .optional(),
  }),
);

const text = { schema: { type: 'string' } } as const;

/** Response headers the service sends, as the document states them. */
const RESPONSE_HEADERS = {
  ETag: {
    description:
      'The version as a strong entity tag ("12"): send it back as If-Match to change exactly this version, or as If-None-Match to poll.',
    ...text,
  },
  Location: { description: 'Where the created resource is.', ...text },
  'Content-Disposition': { description: 'attachment, with the file name as RFC 6266 filename* (UTF-8) and an ASCII fallback.', ...text },
  'Cache-Control': { description: 'no-store: health is never cached.', ...text },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'Bearer realm="shinchoku"', ...text },
} as const;
export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

/** Request headers an operation honours. */
const REQUEST_HEADERS = {
  'If-Match':
    'The ETag of the version this change is based on ("12", W/"12" or 12). Another current version answers 412 VersionMismatch with the current ETag; `*` asks for no check.',
  'If-None-Match': 'An ETag the client holds: when it is still current the answer is 304 without a body.',
  'Idempotency-Key':
    'Up to 200 visible ASCII characters (a UUID is ideal): a retried request with the same key and body changes nothing and gets the first answer; the same key with another body is 422 IdempotencyKeyReused.',
  'Cache-Control': '`no-cache` reads the sheet from the database instead of this process’s memory.',
} as const;
export type RequestHeader = keyof typeof REQUEST_HEADERS;

/** Statuses whose problems carry a header of their own. */
const PROBLEM_HEADERS: Partial<Record<number, ResponseHeader[]>> = {
  401: ['WWW-Authenticate'],
  412: ['ETag'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

const PROBLEM_MEANINGS: Record<number, string> = {
  400: 'The request is malformed or a field is invalid (`errors` names each).',
  401: 'No valid bearer token.',
  403: 'The token lacks the permission this needs here.',
  404: 'Not found.',
  409: 'A conflicting change happened meanwhile.',
  412: 'If-Match names another version than the current one.',
  413: 'The body or file is too large.',
  415: 'The body is not of a media type this operation reads.',
  422: 'Well-formed, but refused by a rule of the domain.',
  428: 'This change needs If-Match: the ETag the resource was read with.',
  429: 'Over the rate limit.',
  500: 'Something went wrong on the server.',
  503: 'The database is unavailable or the request took too long; retry after Retry-After.',
};

/** A successful answer: its status, what it says, its body (JSON by schema, or another media type) and headers. */
export interface Success {
  status: 200 | 201 | 204 | 304 | 503;
  description: string;
  json?: z.ZodType;
  /** Non-JSON bodies by media type: text (CSV, Prometheus) or binary (a workbook). */
  other?: Record<string, 'text' | 'binary'>;
  headers?: ResponseHeader[];
}

export interface OperationContract {
  summary: string;
  description: string;
  responses: Success[];
  /** Problem statuses this operation answers besides the ones every operation can (400, 500, 503; 401, 429 unless public, and 403 unless public or self; 413, 415 with a JSON body). */
  problems?: number[];
  /** Request headers it honours: If-Match adds 412, If-None-Match 304, Idempotency-Key 422. */
  accepts?: RequestHeader[];
  /** Anyone may call it, without a token. */
  public?: true;
  /** About the caller: anyone signed in may call it, so it is never refused with 403. */
  self?: true;
  /** It reads a JSON body. */
  jsonBody?: true;
}

/**
 * The contract every change of an aggregate shares: it answers the new version with its ETag, may
 * find nothing there (404), honours If-Match and Idempotency-Key and reads a JSON body.
 */
export function change(
  about: Pick<OperationContract, 'summary' | 'description'>,
  json: z.ZodType,
  answered = 'Changed.',
): OperationContract {
  return {
    ...about,
    responses: [{ status: 200, description: answered, json, headers: ['ETag'] }],
    problems: [404],
    accepts: ['If-Match', 'Idempotency-Key'],
    jsonBody: true,
  };
}

/**
 * The whole contract of one operation, next to its handler: summary, description, every
 * success and problem status with its body and headers, and the request headers it honours.
 */
export function Operation(contract: OperationContract): MethodDecorator {
  const accepts = contract.accepts ?? [];
  const problems = new Set([
    400,
    500,
    503,
    ...(contract.public ? [] : contract.self ? [401, 429] : [401, 403, 429]),
    ...(contract.jsonBody ? [413, 415] : []),
    ...(contract.problems ?? []),
  ]);
  if (accepts.includes('If-Match')) problems.add(412);
  if (accepts.includes('Idempotency-Key')) problems.add(422);
  const successes = [...contract.responses];
  if (accepts.includes('If-None-Match'))
    successes.push({ status: 304, description: 'Not modified: the If-None-Match ETag is still current. No body.', headers: ['ETag'] });
  return applyDecorators(
    ApiOperation({ summary: contract.summary, description: contract.description, ...(contract.public && { security: [] }) }),
    ...accepts.map((name) => ApiHeader({ name, required: false, description: REQUEST_HEADERS[name], schema: { type: 'string' } })),
    ...successes.map((success) => {
      // A status that is both an answer and a problem (health's 503) carries both media types.
      const withProblem = problems.delete(success.status) ? PROBLEM_CONTENT : {};
      const body = content(success).content;
      return ApiResponse({
        status: success.status,
        description: success.description,
        ...((body || success.status === 503) && { content: { ...body, ...withProblem } }),
        ...headers(success.headers),
      });
    }),
    ...[...problems].sort().map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_MEANINGS[status] ?? 'A problem.',
        content: PROBLEM_CONTENT,
        ...headers(PROBLEM_HEADERS[status]),
      }),
    ),
  );
}

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function content({ json, other = {} }: Success): { content?: Record<string, { schema: object }> } {
  const media: Record<string, { schema: object }> = {};
  if (json) media['application/json'] = { schema: { $ref: schemaRef(json) } };
  for (const [type, kind] of Object.entries(other))
    media[type] = { schema: { type: 'string', ...(kind === 'binary' && { format: 'binary' }) } };
  return Object.keys(media).length > 0 ? { content: media } : {};
}

function headers(names: readonly ResponseHeader[] = []) {
  return names.length > 0 ? { headers: Object.fromEntries(names.map((name) => [name, RESPONSE_HEADERS[name]])) } : {};
}

export function schemaRef(schema: z.ZodType): string {
  const id = responseSchemas.get(schema)?.id;
  if (!id) throw new Error('a response schema must be registered with named() to be referred to');
  return `#/components/schemas/${id}`;
}

/** Every registered response schema as OpenAPI 3.0 `components.schemas`, referring to each other by name. */
export function responseComponents(): Record<string, object> {
  const { schemas } = z.toJSONSchema(responseSchemas, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, nullInEnums(schema)]));
}

/** OpenAPI 3.0.3: a nullable enum lists null among its values, or null is not one of them. */
function nullInEnums<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(nullInEnums) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const walked = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, nullInEnums(value)])) as Record<string, unknown>;
  if (walked.nullable === true && Array.isArray(walked.enum) && !walked.enum.includes(null))
    walked.enum = [...(walked.enum as unknown[]), null];
  return walked as T;
}
