import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';
import { Problem, type FieldProblem } from './problem';

/**
 * Validates every @Body/@Query/@Param that declares a zod schema, and reports each issue with
 * its path (body.goals[0].no) and reason as a 400 problem.
 */
export class RequestValidationPipe extends StandardSchemaValidationPipe {
  override async transform<T>(value: T, metadata: ArgumentMetadata): Promise<T> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof InvalidRequest) throw error.toProblem(metadata);
      throw error;
    }
  }

  constructor() {
    super({ exceptionFactory: (issues) => new InvalidRequest(issues) });
  }
}

class InvalidRequest extends Error {
  constructor(readonly issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>) {
    super('invalid request');
  }

  toProblem({ type, data }: ArgumentMetadata): Problem {
    // A single named parameter (@Param('quarter')) is validated alone: its name starts the path.
    const root = `${type === 'param' ? 'params' : type}${data ? `.${data}` : ''}`;
    return invalidRequest(this.issues.map((issue) => ({ path: formatPath(root, issue.path ?? []), message: issue.message })));
  }
}

/** The 400 for fields that are wrong, whoever found them: the schemas, or the check for unsafe text. */
export function invalidRequest(errors: FieldProblem[]): Problem {
  const first = errors[0]!;
  const detail =
    errors.length === 1 ? `${first.path}: ${first.message}` : `${errors.length} problems, first ${first.path}: ${first.message}`;
  return new Problem(400, 'InvalidRequest', detail, errors);
}

function formatPath(root: string, path: ReadonlyArray<PropertyKey | { key: PropertyKey }>): string {
  return path.reduce<string>((text, segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`;
  }, root);
}
