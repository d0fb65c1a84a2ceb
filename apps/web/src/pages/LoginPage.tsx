import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client';
import { ME_KEY } from '../api/queries';
import { session } from '../api/session';
import { navigate } from '../router';

/** Sign in with an API token: checked against the API before it is kept for this tab. */
export function LoginPage({ next }: { next: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    session.signIn(token.trim());
    try {
      // Who the token is: checks it, and the pages need it anyway (what to offer), so it is asked once.
      const { data, response } = await api.GET('/api/v1/me', {});
      if (!data) throw new ApiError(response.status, { status: response.status });
      queryClient.setQueryData(ME_KEY, data);
      // Only paths of this app: `next` comes from the URL, so it must not lead elsewhere.
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/sheets', true);
    } catch (failure) {
      session.signOut();
      setError(failure instanceof ApiError ? 'トークンが正しくないか、失効しています。' : 'サーバーに接続できません。');
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" className="login">
      <h1>組織目標管理シート</h1>
      <form onSubmit={(event) => void submit(event)}>
        <h2>ログイン</h2>
        <label htmlFor="token">トークン</label>
        <input id="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        <p className="hint">管理者から受け取った API トークン（shk_…）を入力してください。</p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          ログイン
        </button>
      </form>
    </main>
  );
}
