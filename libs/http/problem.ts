import type { ProblemCode } from './problem-codes';

export interface FieldProblem {
  /** Where in the request: `body.goals[0].no`, `query.fiscalYear`, `params.quarter`, `header.if-match`. */
  path: string;
  message: string;
}

/** An RFC 9457 problem: `code` is stable for clients to branch on; `title` and `detail` are for people. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

/** Thrown anywhere at the edge; the filter renders it as application/problem+json. */
export class Problem extends Error {
  readonly headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldProblem[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  withHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  body(): ProblemBody {
    return {
      type: `urn:shinchoku:problem:${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.errors && { errors: this.errors }),
      ...this.extensions,
    };
  }
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
