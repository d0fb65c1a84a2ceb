import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { ProgressState } from '../api/models';
import { STATE_LABEL, wareki } from '../format';
import { follow } from '../router';

/** A date in 和暦, the ISO form on hover and for machines. */
export function DateText({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {wareki(iso)}
    </time>
  );
}

/** A progress state as colour and text: the colour is never the only signal. */
export function StateBadge({ state }: { state: ProgressState }) {
  return <span className={`state state-${state}`}>{STATE_LABEL[state]}</span>;
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-label'?: string }) {
  return (
    <a href={to} onClick={follow} {...rest}>
      {children}
    </a>
  );
}

/** Loading and failure of a query, said the same way on every page. */
export function Pending({ error, label }: { error: unknown; label: string }) {
  if (error) return <ErrorMessage error={error} />;
  return <p aria-live="polite">{label}を読み込んでいます…</p>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const message =
    error instanceof ApiError
      ? error.status === 403
        ? `権限がありません（${error.problem.detail ?? error.message}）`
        : `${error.problem.detail ?? error.message}${error.problem.errors?.length ? `：${error.problem.errors.map((e) => `${e.path} ${e.message}`).join('、')}` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
