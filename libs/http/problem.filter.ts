import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from './problem';

/**
 * Every error leaves as application/problem+json. Our own Problems keep their code; Nest's and
 * Fastify's errors (unknown route, bad JSON, body too large, wrong content type) are translated;
 * anything else is a 500 whose details stay in the log, not in the response.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error);
    if (problem.status >= 500) this.logger.error(`${request.method} ${request.url}: ${(error as Error)?.stack ?? error}`);
    sendProblem(reply, problem);
  }
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply
    .status(problem.status)
    .headers({ ...problem.headers, 'content-type': 'application/problem+json; charset=utf-8' })
    .send(problem.body());
}

export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  // Nest hands Fastify's parser errors over wrapped in an HttpException, the original as its cause.
  const fastifyCode = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (fastifyCode && fastifyCode in FASTIFY_ERRORS) {
    const [status, code, detail] = FASTIFY_ERRORS[fastifyCode]!;
    return new Problem(status, code, detail);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return new Problem(status, status === 404 ? 'RouteNotFound' : `Http${status}`, error.message);
  }
  return new Problem(500, 'InternalError', 'something went wrong on our side; the request may be retried');
}

const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'InvalidJson', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'InvalidJson', 'the body is empty but declared as JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BodyTooLarge', 'the body is larger than this server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UnsupportedMediaType', 'send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'InvalidContentLength', 'the Content-Length does not match the body'],
  FST_ERR_BAD_URL: [400, 'InvalidUrl', 'the path is not valid percent-encoded UTF-8'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'UrlTooLong', 'a part of the path is longer than this server accepts'],
};
