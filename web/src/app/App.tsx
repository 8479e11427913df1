/** The staff app: who is signed in decides what is shown; every page talks to the documented API. */
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../components/ui.tsx';
import { I18nProvider } from '../i18n/i18n.tsx';
import { EnrolPage } from '../pages/EnrolPage.tsx';
import { HomePage } from '../pages/HomePage.tsx';
import { ReauthDialog } from '../pages/ReauthDialog.tsx';
import { ResumeDialog } from '../pages/ResumeDialog.tsx';
import { SetupPage } from '../pages/SetupPage.tsx';
import { SignInPage } from '../pages/SignInPage.tsx';
import { Layout } from './Layout.tsx';
import { match, RouterProvider, useRouter } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';

// Pages past sign-in load on demand, so the first page stays small on a weak link.
const RegisterPage = lazy(() => import('../pages/RegisterPage.tsx'));
const SearchPage = lazy(() => import('../pages/SearchPage.tsx'));
const PersonPage = lazy(() => import('../pages/PersonPage.tsx'));
const CorrectionsPage = lazy(() => import('../pages/CorrectionsPage.tsx'));
const AccountPage = lazy(() => import('../pages/AccountPage.tsx'));
const AccountsPage = lazy(() => import('../pages/admin/AccountsPage.tsx'));
const PurposesPage = lazy(() => import('../pages/admin/PurposesPage.tsx'));
const LedgerPage = lazy(() => import('../pages/admin/LedgerPage.tsx'));
const BreakGlassReviewPage = lazy(() => import('../pages/admin/BreakGlassReviewPage.tsx'));

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { session } = useSession();
  const { path } = useRouter();
  if (path === '/setup')
    return (
      <Layout bare>
        <SetupPage />
      </Layout>
    );
  if (!session)
    return (
      <Layout bare>
        <Loading />
      </Layout>
    );
  if (!session.signedIn)
    return (
      <Layout bare>
        <SignInPage />
      </Layout>
    );
  if (session.next === 'second-factor')
    return (
      <Layout bare>
        <SignInPage />
      </Layout>
    );
  if (session.next === 'enrol')
    return (
      <Layout bare>
        <EnrolPage />
      </Layout>
    );
  return (
    <Layout>
      <Suspense fallback={<Loading />}>{page(path)}</Suspense>
      <ResumeDialog />
      <ReauthDialog />
    </Layout>
  );
}

function page(path: string): ReactNode {
  const person = match('/persons/:id', path);
  if (person) return <PersonPage id={person.id!} />;
  switch (path) {
    case '/':
      return <HomePage />;
    case '/register':
      return <RegisterPage />;
    case '/search':
      return <SearchPage />;
    case '/corrections':
      return <CorrectionsPage />;
    case '/account':
      return <AccountPage />;
    case '/admin/accounts':
      return <AccountsPage />;
    case '/admin/purposes':
      return <PurposesPage />;
    case '/admin/ledger':
      return <LedgerPage />;
    case '/admin/break-glass':
      return <BreakGlassReviewPage />;
    default:
      return <HomePage />;
  }
}
