import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailable, type DatabaseFaultKind } from '@shinchoku/database';
import { Problem } from './problem';
import type { ProblemCode } from './problem-codes';

/**
 * Turns a library's typed errors into the problems they answer, undefined for any other error.
 * Each library's http layer has one; the application hands them all to the one ProblemFilter.
 */
export type ProblemMapping = (error: unknown) => Problem | undefined;

/**
 * Every error leaves as application/problem+json. Our own Problems keep their code; the typed
 * errors of the domain and application are mapped (`mappings`); Nest's and Fastify's errors
 * (unknown route, bad JSON, body too large, wrong content type) are translated; anything else is a
 * 500 whose details stay in the log, not in the response.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly mappings: readonly ProblemMapping[] = []) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error, this.mappings);
    // A fault of the database's state is an operator's concern, not a bug: one line, no stack.
    if (problem.status === 503) this.logger.warn(`${request.method} ${request.url}: ${(error as Error)?.message ?? error}`);
    else if (problem.status >= 500) this.logger.error(`${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`);
    sendProblem(reply, problem);
  }
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply
    .status(problem.status)
    .headers({ ...problem.headers, 'content-type': 'application/problem+json; charset=utf-8' })
    .send(problem.body());
}

export function toProblem(error: unknown, mappings: readonly ProblemMapping[] = []): Problem {
  if (error instanceof Problem) return error;
  for (const mapping of mappings) {
    const mapped = mapping(error);
    if (mapped) return mapped;
  }
  const fault = databaseUnavailable(error);
  if (fault) return new Problem(503, 'DatabaseUnavailable', FAULTS[fault.kind][1]).withHeader('retry-after', String(FAULTS[fault.kind][0]));
  // Nest hands Fastify's parser errors over wrapped in an HttpException, the original as its cause.
  const fastifyCode = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (fastifyCode === 'FST_ERR_HANDLER_TIMEOUT') {
    // The handler is not stopped: a write may still complete. A retry with the same Idempotency-Key is safe either way.
    return new Problem(
      503,
      'RequestTimeout',
      'the request took longer than this server allows to answer; retry it (with the same Idempotency-Key for a write)',
    ).withHeader('retry-after', '5');
  }
  if (fastifyCode && fastifyCode in FASTIFY_ERRORS) {
    const [status, code, detail] = FASTIFY_ERRORS[fastifyCode]!;
    return new Problem(status, code, detail);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return new Problem(status, status === 404 ? 'RouteNotFound' : 'HttpError', error.message);
  }
  return new Problem(500, 'InternalError', 'something went wrong on our side; the request may be retried');
}

const FASTIFY_ERRORS: Record<string, [number, ProblemCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'InvalidJson', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'InvalidJson', 'the body is empty but declared as JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BodyTooLarge', 'the body is larger than this server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UnsupportedMediaType', 'send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'InvalidContentLength', 'the Content-Length does not match the body'],
  FST_ERR_BAD_URL: [400, 'InvalidUrl', 'the path is not valid percent-encoded UTF-8'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'UrlTooLong', 'a part of the path is longer than this server accepts'],
};

/**
 * Seconds to wait before retrying, and what to say: a lock or a slow statement clears in moments;
 * a server that is gone takes longer to come back. Whatever was refused appended nothing, unless
 * its commit was what went unanswered, which a retry with the same Idempotency-Key resolves.
 */
const FAULTS: Record<DatabaseFaultKind, [number, string]> = {
  locked: [1, 'the data this request needs is locked by other work; retry shortly'],
  timeout: [2, 'the database did not answer in time; retry shortly'],
  unreachable: [5, 'the database cannot be reached; retry shortly'],
};
