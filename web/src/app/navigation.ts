import type { Role } from '../api/types.ts';

/** What each role finds in the menu; the server decides what each may actually do (ACC-1). */
export const NAVIGATION: { path: string; label: string; roles: Role[] }[] = [
  { path: '/governance', label: 'nav.governance', roles: ['dpo', 'oversight', 'admin'] },
  { path: '/register', label: 'nav.register', roles: ['clerk', 'caseworker'] },
  { path: '/search', label: 'nav.search', roles: ['clerk', 'caseworker', 'supervisor'] },
  { path: '/rights', label: 'nav.rights', roles: ['caseworker', 'supervisor', 'dpo'] },
  { path: '/corrections', label: 'nav.corrections', roles: ['supervisor', 'clerk', 'caseworker'] },
  { path: '/admin/accounts', label: 'nav.accounts', roles: ['admin'] },
  { path: '/admin/purposes', label: 'nav.purposes', roles: ['dpo', 'admin', 'auditor', 'oversight'] },
  {
    path: '/governance/dpias',
    label: 'nav.dpias',
    roles: ['dpo', 'oversight', 'supervisor', 'admin', 'auditor'],
  },
  { path: '/governance/policies', label: 'nav.policies', roles: ['dpo', 'admin', 'auditor', 'oversight'] },
  {
    path: '/governance/processors',
    label: 'nav.processors',
    roles: ['dpo', 'admin', 'auditor', 'oversight'],
  },
  { path: '/governance/concerns', label: 'nav.concerns', roles: ['dpo', 'oversight'] },
  {
    path: '/sharing/partners',
    label: 'nav.partners',
    roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'],
  },
  {
    path: '/sharing/agreements',
    label: 'nav.agreements',
    roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'],
  },
  { path: '/retention', label: 'nav.retention', roles: ['supervisor', 'dpo'] },
  { path: '/reviews', label: 'nav.reviews', roles: ['supervisor', 'dpo', 'admin'] },
  { path: '/incidents', label: 'nav.incidents', roles: ['dpo', 'oversight', 'auditor'] },

  { path: '/alerts', label: 'nav.alerts', roles: ['dpo'] },
  { path: '/admin/break-glass', label: 'nav.breakGlassReview', roles: ['dpo'] },

  { path: '/admin/ledger', label: 'nav.ledger', roles: ['auditor', 'dpo', 'admin', 'oversight'] },
  { path: '/admin/organisation', label: 'nav.organisation', roles: ['admin', 'dpo', 'oversight'] },
];
