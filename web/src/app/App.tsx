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
const RightsRequestsPage = lazy(() => import('../pages/rights/RightsRequestsPage.tsx'));
const RightsRequestPage = lazy(() => import('../pages/rights/RightsRequestPage.tsx'));
const AccountPage = lazy(() => import('../pages/AccountPage.tsx'));
const AccountsPage = lazy(() => import('../pages/admin/AccountsPage.tsx'));
const PurposesPage = lazy(() => import('../pages/admin/PurposesPage.tsx'));
const LedgerPage = lazy(() => import('../pages/admin/LedgerPage.tsx'));
const BreakGlassReviewPage = lazy(() => import('../pages/admin/BreakGlassReviewPage.tsx'));
const OrganisationPage = lazy(() => import('../pages/admin/OrganisationPage.tsx'));
const GovernancePage = lazy(() => import('../pages/governance/GovernancePage.tsx'));
const DpiasPage = lazy(() => import('../pages/governance/DpiasPage.tsx'));
const DpiaPage = lazy(() => import('../pages/governance/DpiaPage.tsx'));
const PoliciesPage = lazy(() => import('../pages/governance/PoliciesPage.tsx'));
const ProcessorsPage = lazy(() => import('../pages/governance/ProcessorsPage.tsx'));
const ConcernsPage = lazy(() => import('../pages/governance/ConcernsPage.tsx'));
const ConcernPage = lazy(() => import('../pages/governance/ConcernPage.tsx'));
const PartnersPage = lazy(() => import('../pages/sharing/PartnersPage.tsx'));
const PartnerPage = lazy(() => import('../pages/sharing/PartnerPage.tsx'));
const AgreementsPage = lazy(() => import('../pages/sharing/AgreementsPage.tsx'));
const AgreementPage = lazy(() => import('../pages/sharing/AgreementPage.tsx'));
const AccessAnswerPage = lazy(() => import('../pages/rights/AccessAnswerPage.tsx'));
const RetentionPage = lazy(() => import('../pages/retention/RetentionPage.tsx'));
const AlertsPage = lazy(() => import('../pages/monitoring/AlertsPage.tsx'));
const ReviewsPage = lazy(() => import('../pages/reviews/ReviewsPage.tsx'));
const IncidentsPage = lazy(() => import('../pages/incidents/IncidentsPage.tsx'));
const IncidentPage = lazy(() => import('../pages/incidents/IncidentPage.tsx'));
const BreachLettersPage = lazy(() => import('../pages/incidents/BreachLettersPage.tsx'));
// The public pages: no sign-in, no session asked for.
const TransparencyPage = lazy(() => import('../pages/public/TransparencyPage.tsx'));
const RaiseConcernPage = lazy(() => import('../pages/public/RaiseConcernPage.tsx'));

/** Pages for anyone, outside the signed-in app: they never ask who is there (GOV-1, GOV-4). */
const PUBLIC_PAGES: Record<string, () => ReactNode> = {
  '/transparency': () => <TransparencyPage />,
  '/concern': () => <RaiseConcernPage />,
};

export function App() {
  return (
    <RouterProvider>
      <Root />
    </RouterProvider>
  );
}

function Root() {
  const { path } = useRouter();
  const publicPage = PUBLIC_PAGES[path.replace(/\/+$/, '')];
  // Decided before the session provider: a public page must not even ask the server whether someone is signed in,
  // and it keeps nothing in the browser's storage, not even the language.
  if (publicPage)
    return (
      <I18nProvider persist={false}>
        <Layout publicPage>
          <Suspense fallback={<Loading />}>{publicPage()}</Suspense>
        </Layout>
      </I18nProvider>
    );
  return (
    <I18nProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
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
  const rightsRequest = match('/rights/:id', path);
  if (rightsRequest) return <RightsRequestPage id={rightsRequest.id!} />;
  const dpia = match('/governance/dpias/:id', path);
  if (dpia) return <DpiaPage id={dpia.id!} />;
  const concern = match('/governance/concerns/:id', path);
  if (concern) return <ConcernPage id={concern.id!} />;
  const partner = match('/sharing/partners/:id', path);
  if (partner) return <PartnerPage id={partner.id!} />;
  const agreement = match('/sharing/agreements/:id', path);
  if (agreement) return <AgreementPage id={agreement.id!} />;
  const answer = match('/rights/:id/answer', path);
  if (answer) return <AccessAnswerPage id={answer.id!} />;
  const letters = match('/incidents/:id/letters', path);
  if (letters) return <BreachLettersPage id={letters.id!} />;
  const incident = match('/incidents/:id', path);

  if (incident) return <IncidentPage id={incident.id!} />;
  switch (path) {
    case '/':
      return <HomePage />;
    case '/register':
      return <RegisterPage />;
    case '/search':
      return <SearchPage />;
    case '/corrections':
      return <CorrectionsPage />;
    case '/rights':
      return <RightsRequestsPage />;
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
    case '/admin/organisation':
      return <OrganisationPage />;
    case '/governance':
      return <GovernancePage />;
    case '/governance/dpias':
      return <DpiasPage />;
    case '/governance/policies':
      return <PoliciesPage />;
    case '/governance/processors':
      return <ProcessorsPage />;
    case '/governance/concerns':
      return <ConcernsPage />;
    case '/sharing/partners':
      return <PartnersPage />;
    case '/sharing/agreements':
      return <AgreementsPage />;
    case '/retention':
      return <RetentionPage />;
    case '/alerts':
      return <AlertsPage />;

    case '/reviews':
      return <ReviewsPage />;
    case '/incidents':
      return <IncidentsPage />;

    default:
      return <HomePage />;
  }
}
