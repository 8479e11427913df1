import type { Role } from '../api/types.ts';

/** What each role finds in the menu; the server decides what each may actually do (ACC-1). */
export const NAVIGATION: { path: string; label: string; roles: Role[] }[] = [
  { path: '/register', label: 'nav.register', roles: ['clerk', 'caseworker'] },
  { path: '/search', label: 'nav.search', roles: ['clerk', 'caseworker', 'supervisor'] },
  { path: '/corrections', label: 'nav.corrections', roles: ['supervisor', 'clerk', 'caseworker'] },
  { path: '/admin/accounts', label: 'nav.accounts', roles: ['admin'] },
  { path: '/admin/purposes', label: 'nav.purposes', roles: ['dpo', 'admin', 'auditor'] },
  { path: '/admin/break-glass', label: 'nav.breakGlassReview', roles: ['dpo'] },
  { path: '/admin/ledger', label: 'nav.ledger', roles: ['auditor', 'dpo', 'admin'] },
];
