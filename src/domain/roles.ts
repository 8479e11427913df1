/** Staff roles (ACC-1). Permissions live in the Cedar policies; this list is only the vocabulary. */
export const ROLES = ['clerk', 'caseworker', 'supervisor', 'dpo', 'auditor', 'admin', 'oversight'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Sensitivity tiers 1–4 (MIN-1); a staff member's tier is the highest they may read. */
export type Tier = 1 | 2 | 3 | 4;
