/**
 * RET-1: the preview — what the retention rules in force make due within N days, per day and category, and item by
 * item (person id, field group, rule, days, the legal holds that keep it). Asked on submit, not on each keystroke:
 * every preview is a ledger event.
 */
import { type FormEvent, useRef, useState } from 'react';
import {
  PREVIEW_DEFAULT_DAYS,
  PREVIEW_MAX_DAYS,
  type RetentionPreview,
  retentionPreview,
} from '../../api/retention.ts';
import { useLoad } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { Button, ErrorAlert, FormField, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useRetention } from '../governance/common.tsx';

/** Days ahead as typed, in Western, Arabic-Indic or Persian digits; null unless a whole number in range. */
export function parseDays(text: string): number | null {
  const digits = text
    .trim()
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
  if (!/^\d{1,4}$/.test(digits)) return null;
  const days = Number(digits);
  return days <= PREVIEW_MAX_DAYS ? days : null;
}

/** A short, stable reference to a record (its id's first 8 characters), kept left to right in any language. */
export const ref = (id: string) => id.slice(0, 8);

export function PreviewSection({ generation }: { generation: number }) {
  const { t, formatNumber } = useI18n();
  const [text, setText] = useState(String(PREVIEW_DEFAULT_DAYS));
  const [days, setDays] = useState(PREVIEW_DEFAULT_DAYS);
  const [invalid, setInvalid] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const preview = useLoad(() => retentionPreview(days), [days, generation]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = parseDays(text);
    if (wanted === null) {
      setInvalid(true);
      input.current?.focus();
      return;
    }
    setInvalid(false);
    if (wanted === days) preview.reload();
    else setDays(wanted);
  };

  const p = preview.data;
  const range = { min: formatNumber(0), max: formatNumber(PREVIEW_MAX_DAYS) };
  return (
    <section aria-labelledby="retention-preview">
      <h2 id="retention-preview">{t('retentionPage.preview.title')}</h2>
      <p>{t('retentionPage.preview.explain')}</p>
      <form onSubmit={submit} noValidate>
        <FormField
          label={t('retentionPage.preview.days')}
          hint={t('retentionPage.preview.daysHint', range)}
          error={invalid ? t('retentionPage.preview.daysInvalid', range) : undefined}
        >
          {({ id, describedBy }) => (
            <input
              ref={input}
              id={id}
              type="text"
              inputMode="numeric"
              dir="ltr"
              size={6}
              maxLength={6}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </FormField>
        <div className="actions">
          <Button type="submit" busy={preview.loading}>
            {t('retentionPage.preview.show')}
          </Button>
        </div>
      </form>
      <ErrorAlert error={preview.error} />
      {preview.loading ? <Loading /> : null}
      {p ? <PreviewResult preview={p} /> : null}
    </section>
  );
}

function PreviewResult({ preview: p }: { preview: RetentionPreview }) {
  const { t, maybe, formatDay, formatNumber, formatList } = useI18n();
  const rule = useRetention();
  const n = (value: number) => formatNumber(value);
  const group = (name: string) => maybe(`group.${name}`) ?? name;
  const categories = (names: string[]) => formatList(names.map((c) => maybe(`category.${c}`) ?? c));
  return (
    <>
      {/* Said when it changes, so that a screen reader hears the outcome of the form. */}
      <p role="status" className="summary">
        {t('retentionPage.preview.summary', {
          items: p.totals.items,
          persons: p.totals.persons,
          until: formatDay(p.until),
        })}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('retentionPage.preview.period')}</dt>
          <dd>
            {t('retentionPage.preview.fromTo', { from: formatDay(p.today), until: formatDay(p.until) })}
          </dd>
        </div>
        <div>
          <dt>{t('retentionPage.preview.persons')}</dt>
          <dd>{n(p.totals.persons)}</dd>
        </div>
        <div>
          <dt>{t('retentionPage.preview.items')}</dt>
          <dd>{n(p.totals.items)}</dd>
        </div>
        <div>
          <dt>{t('retentionPage.preview.held')}</dt>
          <dd>{n(p.totals.held)}</dd>
        </div>
      </dl>
      {p.counts.length > 0 ? (
        <>
          <h3>{t('retentionPage.preview.countsCaption')}</h3>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('retentionPage.preview.countsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('retentionPage.preview.goesOn')}</th>
                  <th scope="col">{t('retentionPage.preview.category')}</th>
                  <th scope="col">{t('retentionPage.preview.due')}</th>
                  <th scope="col">{t('retentionPage.preview.kept')}</th>
                  <th scope="col">{t('retentionPage.preview.go')}</th>
                </tr>
              </thead>
              <tbody>
                {p.counts.map((c) => (
                  <tr key={`${c.goesOn} ${c.category}`}>
                    <td>{formatDay(c.goesOn)}</td>
                    <td>{maybe(`category.${c.category}`) ?? c.category}</td>
                    <td>{n(c.items)}</td>
                    <td>{n(c.held)}</td>
                    <td>{n(c.items - c.held)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {p.truncated ? (
        <Notice kind="warning">
          {t('retentionPage.preview.truncated', { shown: n(p.items.length), total: n(p.totals.items) })}
        </Notice>
      ) : null}
      {p.items.length > 0 ? (
        <>
          <h3>{t('retentionPage.preview.itemsCaption')}</h3>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('retentionPage.preview.itemsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('retentionPage.preview.person')}</th>
                  <th scope="col">{t('retentionPage.preview.group')}</th>
                  <th scope="col">{t('retentionPage.preview.categories')}</th>
                  <th scope="col">{t('retentionPage.preview.rule')}</th>
                  <th scope="col">{t('retentionPage.preview.dueOn')}</th>
                  <th scope="col">{t('retentionPage.preview.goesOn')}</th>
                  <th scope="col">{t('retentionPage.preview.heldBy')}</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((item) => (
                  <tr key={`${item.personId} ${item.group} ${item.rule}`}>
                    <td>
                      <Link to={`/persons/${item.personId}`}>
                        {t('retentionPage.preview.personRef', { ref: ref(item.personId) })}
                      </Link>
                    </td>
                    <td>{group(item.group)}</td>
                    <td>{categories(item.categories)}</td>
                    <td>
                      {rule(item.rule)}
                      {item.by === 'person' ? (
                        <span className="subtle">{t('retentionPage.preview.byPerson')}</span>
                      ) : null}
                    </td>
                    <td>{formatDay(item.dueOn)}</td>
                    <td>{formatDay(item.goesOn)}</td>
                    <td>
                      {item.heldBy.length > 0 ? (
                        <>
                          <Tag kind="warn">{t('retentionPage.preview.keptTag')}</Tag>{' '}
                          {formatList(
                            item.heldBy.map((h) => t('retentionPage.preview.holdRef', { ref: ref(h) })),
                          )}
                        </>
                      ) : (
                        t('retentionPage.preview.notHeld')
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}
