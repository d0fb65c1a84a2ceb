import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { acceptToken, fetchSignInOptions, useSignInOptions } from '../api/sign-in';
import { SignInError, finishSignIn, startSignIn } from '../api/sso';
import { afterSignIn, navigate } from '../router';

/** Sign in with an API token (checked against the API before it is kept for this tab), or by SSO when it is offered. */
export function LoginPage({ next }: { next: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const sso = useSignInOptions().data?.sso;
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await acceptToken(token.trim(), queryClient);
      navigate(afterSignIn(next), true);
    } catch (failure) {
      setError(failure instanceof ApiError ? 'トークンが正しくないか、失効しています。' : 'サーバーに接続できません。');
    } finally {
      setBusy(false);
    }
  }
  async function singleSignOn() {
    if (!sso) return;
    setError(undefined);
    try {
      await startSignIn(sso, next);
    } catch (failure) {
      setError(failure instanceof SignInError ? failure.message : String(failure));
    }
  }
  return (
    <SignInFrame error={error}>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="token">トークン</label>
        <input id="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        <p className="hint">管理者から受け取った API トークン（shk_…）を入力してください。</p>
        <button type="submit" disabled={busy}>
          ログイン
        </button>
      </form>
      {sso && (
        <section aria-labelledby="sso" className="sso">
          <h3 id="sso">職員アカウントで</h3>
          <button type="button" onClick={() => void singleSignOn()}>
            シングルサインオン
          </button>
        </section>
      )}
    </SignInFrame>
  );
}

/**
 * Back from the identity provider: the code leaves the URL at once (history, Referer), is
 * exchanged for the access token, which the API must accept (GET /me), and the page goes on.
 */
export function SignInCallback() {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const answered = useRef(false);
  useEffect(() => {
    if (answered.current) return;
    answered.current = true;
    const query = new URLSearchParams(location.search);
    history.replaceState(null, '', '/login/callback');
    void (async () => {
      try {
        const { sso } = await fetchSignInOptions();
        if (!sso) throw new SignInError('シングルサインオンは設定されていません。');
        const { token, next } = await finishSignIn(sso, query);
        await acceptToken(token, queryClient).catch((failure: unknown) => {
          if (!(failure instanceof ApiError)) throw failure;
          throw new SignInError(`このシステムがトークンを受け付けませんでした（${failure.problem.detail ?? `HTTP ${failure.status}`}）。`);
        });
        navigate(afterSignIn(next), true);
      } catch (failure) {
        setError(failure instanceof SignInError ? failure.message : 'サーバーに接続できません。');
      }
    })();
  }, [queryClient]);
  return (
    <SignInFrame error={error}>
      {error ? (
        <p>
          <a href="/login">ログイン画面に戻る</a>
        </p>
      ) : (
        <p aria-live="polite">シングルサインオンでサインインしています…</p>
      )}
    </SignInFrame>
  );
}

function SignInFrame({ error, children }: { error: string | undefined; children: ReactNode }) {
  return (
    <main id="main" className="login">
      <h1>組織目標管理シート</h1>
      <h2>ログイン</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {children}
    </main>
  );
}
