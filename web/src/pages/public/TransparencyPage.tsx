/**
 * The public record of processing (GOV-1, GDPR 30(1)(a)–(g)), without sign-in: for each organisation on this Haven,
 * who it is and how to reach its DPO, what each purpose processes and on what basis, who receives it, where it
 * goes, how long it is kept, its impact assessment, its processors and the security measures — generated from the
 * registers, every published version kept and dated.
 */
import { useState } from 'react';
import type { ProcessingRecord, PublishedRecord, RecordPurpose } from '../../api/governance.ts';
import { publicRequest } from '../../api/public.ts';
import { useLoad } from '../../app/data.ts';
import { useRouter } from '../../app/router.tsx';
import { ErrorAlert, FormField, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, usePurposeTitle, useRetention } from '../governance/common.tsx';

interface VersionEntry {
  version: number;
  publishedAt: string;
  sha256: string;
}

export default function TransparencyPage() {
  const { t, formatDate } = useI18n();
  const { search, navigate } = useRouter();
  const organisations = useLoad(
    () =>
      publicRequest<{ organisations: { slug: string; name: string }[] }>('/api/public/organisations').then(
        (r) => r.organisations,
      ),
    [],
  );
  const list = organisations.data ?? [];
  const slug = search.get('organisation') ?? (list.length === 1 ? list[0]!.slug : '');
  const [version, setVersion] = useState<number | null>(null);
  const base = `/api/public/record-of-processing/${encodeURIComponent(slug)}`;
  const record = useLoad(
    () =>
      slug
        ? publicRequest<PublishedRecord>(version ? `${base}/versions/${version}` : base)
        : Promise.resolve(null),
    [slug, version],
  );
  // Listed once the record is read: reading the current record publishes it when it changed.
  const newest = record.data && !version ? record.data.version : null;
  const versions = useLoad(
    () =>
      slug && (newest || version)
        ? publicRequest<{ versions: VersionEntry[] }>(`${base}/versions`).then((r) => r.versions)
        : Promise.resolve([]),
    [slug, newest],
  );

  return (
    <div>
      <PageHeading>{t('record.title')}</PageHeading>
      <p>{t('record.explain')}</p>
      <ErrorAlert error={organisations.error ?? record.error ?? versions.error} />
      <div className="record-choice">
        <FormField label={t('record.organisation')}>
          {({ id }) => (
            <select
              id={id}
              value={slug}
              onChange={(e) => {
                setVersion(null);
                navigate(`/transparency?organisation=${encodeURIComponent(e.target.value)}`, {
                  replace: true,
                });
              }}
            >
              {slug ? null : <option value="">{t('form.choose')}</option>}
              {list.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        {slug && versions.data && versions.data.length > 0 ? (
          <FormField label={t('record.version')}>
            {({ id }) => (
              <select
                id={id}
                value={version ?? ''}
                onChange={(e) => setVersion(e.target.value ? Number(e.target.value) : null)}
              >
                <option value="">{t('record.current')}</option>
                {versions.data!.map((v) => (
                  <option key={v.version} value={v.version}>
                    {t('record.versionOn', { version: v.version, when: formatDate(v.publishedAt) })}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        ) : null}
      </div>
      {record.loading || organisations.loading ? <Loading /> : null}
      {record.data ? <RecordView published={record.data} /> : null}
    </div>
  );
}

function RecordView({ published }: { published: PublishedRecord }) {
  const { t, formatDate } = useI18n();
  const r: ProcessingRecord = published.record;
  return (
    <article className="record" aria-labelledby="record-controller">
      <p className="subtitle">
        {t('record.published', { version: published.version, when: formatDate(published.publishedAt) })}
      </p>
      <h2 id="record-controller">{t('record.controller')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('organisation.name')}</dt>
          <dd dir="auto">{r.controller.name}</dd>
        </div>
        <div>
          <dt>{t('organisation.contact')}</dt>
          <dd dir="auto" className="written">
            {r.controller.contact ?? t('organisation.notGiven')}
          </dd>
        </div>
        <div>
          <dt>{t('organisation.dpoContact')}</dt>
          <dd dir="auto" className="written">
            {r.controller.dpoContact ?? t('organisation.notGiven')}
          </dd>
        </div>
        <div>
          <dt>{t('organisation.country')}</dt>
          <dd dir="ltr">{r.controller.country ?? t('organisation.notGiven')}</dd>
        </div>
      </dl>
      <h2>{t('record.subjects')}</h2>
      <p>{r.subjects.vulnerable ? t('record.subjectsVulnerable') : t('record.subjectsPlain')}</p>
      <h2>{t('record.purposes')}</h2>
      {r.purposes.map((p) => (
        <PurposeEntry key={p.name} purpose={p} />
      ))}
      {r.retention ? <RetentionEntry retention={r.retention} /> : null}
      <h2>{t('record.processors')}</h2>
      {r.processors.length === 0 ? <p>{t('record.noProcessors')}</p> : <ProcessorTable record={r} />}
      <h2>{t('record.security')}</h2>
      <ul>
        {r.security.map((code) => (
          <li key={code}>{t(`security.${code}`)}</li>
        ))}
      </ul>
      <p className="aside">
        {t('record.sources', {
          dictionary: r.sources.dictionary,
          dictionaryVersion: r.sources.dictionaryVersion,
          policyVersion: r.sources.policyVersion,
        })}{' '}
        <code dir="ltr" className="hash">
          sha256 {published.sha256}
        </code>
      </p>
    </article>
  );
}

function PurposeEntry({ purpose: p }: { purpose: RecordPurpose }) {
  const { t, maybe, formatDay, formatList } = useI18n();
  const purposeTitle = usePurposeTitle();
  const retention = useRetention();
  const list = (items: string[]) => (items.length > 0 ? formatList(items) : '—');
  const id = `purpose-${p.name}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h3 id={id}>
        {purposeTitle(p.name, p.title)}{' '}
        {p.status === 'active' ? null : (
          <Tag kind="warn">{maybe(`purposes.status.${p.status}`) ?? p.status}</Tag>
        )}
      </h3>
      <p>{maybe(`purpose.${p.name}.description`) ?? p.description}</p>
      <dl className="facts">
        <div>
          <dt>{t('purposes.bases')}</dt>
          <dd>{list(p.legalBases.map((b) => t(`basis.${b}`)))}</dd>
        </div>
        <div>
          <dt>{t('record.categories')}</dt>
          <dd>{list(p.categories.map((c) => maybe(`category.${c.category}`) ?? c.category))}</dd>
        </div>
        <div>
          <dt>{t('record.recipients')}</dt>
          <dd>{list(p.recipients.map((r) => t(`role.${r.name}`)))}</dd>
        </div>
        <div>
          <dt>{t('record.transfers')}</dt>
          <dd>
            {p.transfers.length === 0
              ? t('record.noTransfers')
              : list(
                  p.transfers.map((tr) =>
                    t('record.transfer', {
                      country: tr.country,
                      processor: tr.processor,
                      safeguard: tr.safeguard ?? t('record.noSafeguard'),
                    }),
                  ),
                )}
          </dd>
        </div>
        <div>
          <dt>{t('purposes.retention')}</dt>
          <dd>{retention(p.retention.purpose)}</dd>
        </div>
        <div>
          <dt>{t('record.categoryRetention')}</dt>
          <dd>
            {p.retention.categories.length === 0 ? (
              '—'
            ) : (
              <ul className="plain-list">
                {p.retention.categories.map((c) => (
                  <li key={`${c.category} ${c.rule}`}>
                    {t('record.categoryRule', {
                      category: maybe(`category.${c.category}`) ?? c.category,
                      rule: retention(c.rule),
                    })}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('purposes.dpia')}</dt>
          <dd>
            {!p.dpia.required
              ? t('purposes.dpiaNotNeeded')
              : p.dpia.state === 'approved' && p.dpia.reviewDate
                ? t('record.dpiaApproved', {
                    version: p.dpia.version ?? 1,
                    day: formatDay(p.dpia.reviewDate),
                  })
                : t(`purposes.dpiaState.${p.dpia.state === 'expired' ? 'expired' : 'none'}`)}
          </dd>
        </div>
        <div>
          <dt>{t('record.processors')}</dt>
          <dd>{list(p.processors.map((x) => x.name))}</dd>
        </div>
      </dl>
    </section>
  );
}

/** RET-1: the person-wide rule and the case states the rules count from; erasure by destroying keys. */
function RetentionEntry({ retention: r }: { retention: NonNullable<ProcessingRecord['retention']> }) {
  const { t, maybe, formatList } = useI18n();
  const retention = useRetention();
  const closing = r.caseStates.filter((s) => s.closesCase).map((s) => maybe(`caseState.${s.name}`) ?? s.name);
  return (
    <>
      <h2>{t('record.retention')}</h2>
      <p>{t('record.retentionPerson', { rule: retention(r.person) })}</p>
      <p>{t('record.retentionStates', { states: formatList(closing) })}</p>
      <p>{t('record.retentionSweep')}</p>
    </>
  );
}

function ProcessorTable({ record }: { record: ProcessingRecord }) {
  const { t, formatList } = useI18n();
  const purposeTitle = usePurposeTitle();
  const nameOf = (id: string | null) => record.processors.find((p) => p.id === id)?.name ?? '';
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{t('record.processors')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('processors.name')}</th>
            <th scope="col">{t('processors.purposes')}</th>
            <th scope="col">{t('processors.locations')}</th>
            <th scope="col">{t('processors.state')}</th>
          </tr>
        </thead>
        <tbody>
          {record.processors.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <span dir="auto">{p.name}</span>
                <span className="subtle" dir="auto">
                  {p.service}
                </span>
                {p.parent ? (
                  <span className="subtle">{t('processors.subOf', { name: nameOf(p.parent) })}</span>
                ) : null}
              </th>
              <td>{p.purposes.length > 0 ? formatList(p.purposes.map((n) => purposeTitle(n))) : '—'}</td>
              <td dir="ltr">{p.locations.join(', ') || '—'}</td>
              <td>
                {p.ended ? (
                  <Tag>{t('record.ended')}</Tag>
                ) : (
                  <>
                    <Tag kind={p.contractInForce ? 'good' : 'bad'}>
                      {t(p.contractInForce ? 'record.contractInForce' : 'record.contractLapsed')}
                    </Tag>
                    <Tag kind={p.dpaInForce ? 'good' : 'bad'}>
                      {t(p.dpaInForce ? 'record.dpaInForce' : 'record.dpaMissing')}
                    </Tag>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
