import { createApiClient } from '@shinchoku/api-client';
import { navigate } from '../router';
import type { Problem } from './models';
import { session } from './session';

/** The one way the pages reach the server: the public /api/v1 through the generated client. */
export const api = createApiClient({ baseUrl: location.origin, token: session.token });

/** A refusal from the API, with its problem document (none when something before the API answered, such as a proxy). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & Pick<Problem, 'status'>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export interface Answer<T> {
  body: T;
  /** The sheet version an answer carries as its ETag, when it does. */
  version: number | undefined;
}

type Call = Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * The body of a successful answer as the page's model type (see models.ts), or an ApiError.
 * A 401 means the token is gone or revoked: back to sign-in (unless this is the sign-in itself).
 */
export async function answer<T>(call: Call, signInAgainOn401 = true): Promise<Answer<T>> {
  const { data, error, response } = await call;
  if (response.status === 401 && signInAgainOn401) {
    session.signOut();
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!response.ok) throw new ApiError(response.status, (error ?? { status: response.status }) as ApiError['problem']);
  const etag = response.headers.get('etag')?.match(/^(?:W\/)?"(\d+)"$/);
  return { body: data as T, version: etag ? Number(etag[1]) : undefined };
}

export const body = async <T>(call: Call, signInAgainOn401 = true): Promise<T> => (await answer<T>(call, signInAgainOn401)).body;

/** The If-Match header for a version the page showed. */
export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** Sends a downloaded file (an export) to the browser as a download. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
