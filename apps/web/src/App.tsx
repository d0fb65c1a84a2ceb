import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useAccess } from './api/access';
import { ApiError } from './api/client';
import { session } from './api/session';
import { Link } from './components/common';
import { HistoryPage } from './pages/HistoryPage';
import { ImportPage } from './pages/ImportPage';
import { LoginPage, SignInCallback } from './pages/LoginPage';
import { RemindersPage } from './pages/RemindersPage';
import { SettingsPage } from './pages/SettingsPage';
import { SheetPage } from './pages/SheetPage';
import { SheetsPage } from './pages/SheetsPage';
import { WardPage } from './pages/WardPage';
import { navigate, useLocation } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal will not change by asking again; a dropped connection might.
      retry: (count, error) => !(error instanceof ApiError) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Routes />
    </QueryClientProvider>
  );
}

function Routes() {
  const { path, query } = useLocation();
  const signedIn = session.token() !== undefined;
  const signingIn = path === '/login' || path === '/login/callback';
  useEffect(() => {
    if (!signedIn && !signingIn) navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    else if (path === '/') navigate('/sheets', true);
  }, [signedIn, signingIn, path]);
  if (path === '/login') return <LoginPage next={query.get('next')} />;
  if (path === '/login/callback') return <SignInCallback />;
  if (!signedIn) return null;
  const sheet = path.match(/^\/sheets\/([^/]+)(\/history)?$/);
  let page: ReactNode;
  let title: string;
  if (sheet?.[2]) [page, title] = [<HistoryPage sheetId={sheet[1]!} />, '履歴'];
  else if (sheet) [page, title] = [<SheetPage sheetId={sheet[1]!} asOf={query.get('asOf')} />, 'シート'];
  else if (path === '/ward')
    [page, title] = [<WardPage department={query.get('department')} fiscalYear={query.get('fiscalYear')} />, '区の状況'];
  else if (path === '/import') [page, title] = [<ImportPage />, '取り込み'];
  else if (path === '/reminders') [page, title] = [<RemindersPage />, 'リマインダー'];
  else if (path === '/settings') [page, title] = [<SettingsPage />, '設定'];
  else [page, title] = [<SheetsPage query={query} />, 'マイシート'];
  return <Layout title={title}>{page}</Layout>;
}

function Layout({ title, children }: { title: string; children: ReactNode }) {
  const { me, mayAnywhere } = useAccess();
  useEffect(() => {
    document.title = `${title} | 組織目標管理シート`;
  }, [title]);
  return (
    <>
      <a className="skip" href="#main">
        本文へ移動
      </a>
      <header className="site">
        <span className="brand">組織目標管理シート</span>
        <nav aria-label="メニュー">
          <ul>
            <li>
              <Link to="/sheets">マイシート</Link>
            </li>
            <li>
              <Link to="/ward">区の状況</Link>
            </li>
            {mayAnywhere('sheet.create') && (
              <li>
                <Link to="/import">取り込み</Link>
              </li>
            )}
            <li>
              <Link to="/reminders">リマインダー</Link>
            </li>
            {mayAnywhere('settings.read') && (
              <li>
                <Link to="/settings">設定</Link>
              </li>
            )}
          </ul>
        </nav>
        {me && <span className="who">ログイン中：{me.actor.name}</span>}
        <button
          type="button"
          className="secondary"
          onClick={() => {
            session.signOut();
            queryClient.clear();
            navigate('/login');
          }}
        >
          ログアウト
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
