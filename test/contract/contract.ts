import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Headers a response may carry only where the document declares them. */
const DECLARED_HEADERS = ['etag', 'location', 'content-disposition', 'retry-after', 'www-authenticate', 'cache-control'];

export interface Exchange {
  method: string;
  /** The path as the document names it: /api/v1/sheets/{sheetId}. */
  template: string;
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Checks real responses against the OpenAPI document the server serves: the status must be
 * declared for the operation, the content type among its media types, the body valid against
 * the schema, and each header that means something declared on that response.
 */
interface Response {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: { $ref?: string } }>;
}
interface Operation {
  responses: Record<string, Response>;
}
/** What the contract reads of an OpenAPI document. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, { enum?: unknown[] }> }> };
}

export class Contract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  /** `GET /api/v1/sheets/{sheetId}` → statuses seen. */
  readonly seen = new Map<string, Set<number>>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(document, 'openapi');
  }

  /** Every operation in the document, as `METHOD /path`. */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** The problems an operation declares. */
  declaredStatuses(operation: string): number[] {
    return Object.keys(this.operation(operation).responses).map(Number);
  }

  /** The reasons an exchange breaks the contract; none when it keeps it. */
  violations({ method, template, status, headers, text }: Exchange): string[] {
    const name = `${method} ${template}`;
    const operation = this.operation(name);
    const statuses = this.seen.get(name) ?? new Set<number>();
    this.seen.set(name, statuses.add(status));
    const response = operation.responses[String(status)];
    if (!response) return [`${name}: status ${status} is not declared (${text.slice(0, 200)})`];
    const problems: string[] = [];
    const declaredHeaders = Object.keys(response.headers ?? {}).map((h) => h.toLowerCase());
    for (const header of DECLARED_HEADERS) {
      if (headers.has(header) && !declaredHeaders.includes(header)) problems.push(`${name} ${status}: header ${header} is not declared`);
    }
    if (text === '') {
      if (response.content && status !== 304 && status !== 204) problems.push(`${name} ${status}: no body, but one is declared`);
      return problems;
    }
    const type = (headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = response.content?.[type];
    if (!media)
      return [...problems, `${name} ${status}: content type ${type} is not declared (${Object.keys(response.content ?? {}).join(', ')})`];
    const body: unknown = type.endsWith('json') ? JSON.parse(text) : text;
    const validate = this.validator(media.schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map(
        (e) => `${e.instancePath} ${e.message}${e.params['additionalProperty'] ? ` (${e.params['additionalProperty']})` : ''}`,
      );
      problems.push(`${name} ${status}: body does not match its schema: ${[...new Set(errors)].join('; ')}`);
    }
    return problems;
  }

  private operation(name: string): Operation {
    const [method, path] = name.split(' ') as [string, string];
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${name} is not in the document`);
    return operation;
  }

  private validator(schema: { $ref?: string }): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = schema.$ref ? this.ajv.compile({ $ref: `openapi${schema.$ref}` }) : this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
