/** Small pieces the governance pages share: field errors by path, status tags, names of purposes and roles. */
import { type ReactNode, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The server's problems with a form, by field path, in the reader's language where the code has a message.
 * Paths come as `name`, `risks/0/description`, or from schema validation as `body/content/name`: all match `name`.
 */
export function useFieldErrors(error: unknown, prefix = '') {
  const { maybe } = useI18n();
  const byPath = new Map<string, string>();
  if (error instanceof ApiError) {
    for (const p of error.fields) {
      let path = p.path.replace(/^\/+/, '').replace(/^body\/?/, '');
      if (prefix && path.startsWith(`${prefix}/`)) path = path.slice(prefix.length + 1);
      const text = maybe(`problem.${p.code}`) ?? p.message;
      byPath.set(path, byPath.has(path) ? `${byPath.get(path)} ${text}` : text);
    }
  }
  /** The problems of `path`; with `nested`, those of its parts too (`locations/2` for `locations`). */
  return (path: string, nested = false): string | undefined => {
    if (!nested) return byPath.get(path);
    const found = [...byPath].filter(([p]) => p === path || p.startsWith(`${path}/`)).map(([, text]) => text);
    return found.length > 0 ? [...new Set(found)].join(' ') : undefined;
  };
}

export function Tag({
  kind = 'plain',
  children,
}: {
  kind?: 'plain' | 'good' | 'warn' | 'bad';
  children: ReactNode;
}) {
  const className = { plain: 'tag', good: 'tag tag-exact', warn: 'tag tag-similar', bad: 'tag tag-danger' }[
    kind
  ];
  return <span className={className}>{children}</span>;
}

/** A purpose by its name: the interface's own title where it has one, else the register's. */
export function usePurposeTitle() {
  const { maybe } = useI18n();
  return (name: string, title?: string) => maybe(`purpose.${name}`) ?? title ?? name;
}

/** A policy matrix principal (`caseworker:2`, `importer`) in words. */
export function useWho() {
  const { t, maybe } = useI18n();
  return (who: string) => {
    const [role, tier] = who.split(':');
    const name = maybe(`role.${role}`) ?? maybe(`policies.who.${role}`) ?? role ?? who;
    return tier ? t('policies.whoWithTier', { role: name, tier }) : name;
  };
}

export function DpiaStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const kind =
    status === 'approved'
      ? 'good'
      : status === 'rejected'
        ? 'bad'
        : status === 'submitted'
          ? 'warn'
          : 'plain';
  return <Tag kind={kind}>{t(`dpia.status.${status}`)}</Tag>;
}

/** Today as YYYY-MM-DD (UTC, as Haven counts days). */
export const today = () => new Date().toISOString().slice(0, 10);

/** A purpose of the policy matrix (`registration`, `registration (DPIA none)`, `statistics (suspended)`) in words. */
export function useMatrixPurpose() {
  const { t } = useI18n();
  const purposeTitle = usePurposeTitle();
  return (code: string) => {
    const [, name = code, state] =
      /^([a-z0-9-]+)(?: \((?:DPIA )?(none|expired|suspended)\))?$/.exec(code) ?? [];
    return state
      ? t('policies.purposeIn', { purpose: purposeTitle(name), state: t(`policies.purposeState.${state}`) })
      : purposeTitle(name);
  };
}

/** A situation of the policy matrix (`caseload · consent · passkey`), each part in words where it has them. */
export function useSituation() {
  const { t, maybe } = useI18n();
  return (situation: string) =>
    situation
      .split(' · ')
      .map((part) => {
        const basis = /^([a-z-]+)(\(not accepted\))?$/.exec(part);
        const asBasis = basis ? maybe(`basis.${basis[1]}`) : undefined;
        if (asBasis) return basis?.[2] ? t('policies.situation.notAccepted', { basis: asBasis }) : asBasis;
        const key = part.replace(/’/g, '').replace(/\s+/g, '-');
        return maybe(`policies.situation.${key}`) ?? part;
      })
      .join(' · ');
}

/**
 * A success message kept as its message id, so that it is shown in the language on screen even when the reader
 * switches language after the action.
 */
export function useNotice() {
  const { t } = useI18n();
  const [notice, setNotice] = useState<{ id: string; values?: Record<string, unknown> } | null>(null);
  return {
    notice: notice ? <Notice kind="success">{t(notice.id, notice.values)}</Notice> : null,
    show: (id: string, values?: Record<string, unknown>) => setNotice(values ? { id, values } : { id }),
    clear: () => setNotice(null),
  };
}

/** A retention rule as Haven writes it (`case-closed + 5 years`, `until-erasure`) in words. */
export function useRetention() {
  const { t, maybe } = useI18n();
  return (rule: string | null): string => {
    if (!rule) return '—';
    if (rule === 'until-erasure') return t('retention.until-erasure');
    const [, event = '', amount = '', unit = ''] =
      /^([a-z-]+) \+ (\d+) (days|months|years)$/.exec(rule) ?? [];
    const when = maybe(`retention.event.${event}`);
    return when && unit ? t(`retention.${unit}`, { amount: Number(amount), event: when }) : rule;
  };
}
