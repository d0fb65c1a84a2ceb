import type { ReactNode } from 'react';
import { useAccess } from '../api/access';
import { ApiError } from '../api/client';
import type { ProgressState } from '../api/models';
import type { Permission } from '@shinchoku/access/domain';
import { PERMISSION_LABEL, STATE_LABEL, wareki } from '../format';
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

/**
 * A 403 in words: the permission the API names, and that only an administrator can give it. The
 * page offers only what the grants allow, so this is what the server refused anyway (a file
 * naming another ward's sheets, grants changed since sign-in).
 */
function refusal({ permission }: ApiError['problem']): string {
  const what = typeof permission === 'string' && permission in PERMISSION_LABEL ? PERMISSION_LABEL[permission as Permission] : undefined;
  return what
    ? `権限がありません。この操作には、対象の部・課での「${what}」の権限が必要です。必要な場合は管理者に依頼してください。`
    : '権限がありません。必要な場合は管理者に依頼してください。';
}

export function ErrorMessage({ error }: { error: unknown }) {
  const message =
    error instanceof ApiError
      ? error.status === 403
        ? refusal(error.problem)
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

/** A page for those who hold the permission somewhere; anyone else (who followed a link) is told what it needs. */
export function Permitted({ permission, children }: { permission: Permission; children: ReactNode }) {
  const access = useAccess();
  if (!access.me) return <Pending error={access.error} label="権限" />;
  if (!access.mayAnywhere(permission)) return <p role="note">このページには「{PERMISSION_LABEL[permission]}」の権限が必要です。</p>;
  return children;
}
