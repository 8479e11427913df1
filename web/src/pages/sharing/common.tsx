/** Pieces the sharing pages share: status tags, and sections that show what later endpoints give, if they exist. */
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import type { AgreementStatus } from '../../api/sharing.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';

export function AgreementStatusTag({ status }: { status: AgreementStatus }) {
  const { t } = useI18n();
  const kind =
    status === 'active' ? 'good' : status === 'proposed' || status === 'pending-start' ? 'warn' : 'bad';
  return <Tag kind={kind}>{t(`sharing.status.${status}`)}</Tag>;
}

/**
 * A section fed by an endpoint that may not exist yet (releases, pushes): rendered only once it answers; a 404 or
 * any other refusal renders nothing, so the page never shows a broken part.
 */
export function OptionalSection<T>({
  path,
  title,
  children,
}: {
  path: string;
  title: string;
  children: (data: T) => ReactNode;
}) {
  const [data, setData] = useState<T | undefined>();
  useEffect(() => {
    let current = true;
    api.get<T>(path).then(
      (d) => current && setData(d),
      (error) => {
        if (!(error instanceof ApiError)) console.warn(error);
      },
    );
    return () => {
      current = false;
    };
  }, [path]);
  if (data === undefined) return null;
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children(data)}
    </section>
  );
}
