import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses } from '../schemas.ts';

/**
 * Privacy notices (LNG-1, PUR-3): what staff read or show to a person, per purpose, in the person's language,
 * before recording their consent with the notice's version and language.
 */
const Direction = Type.Union([Type.Literal('ltr'), Type.Literal('rtl')]);
const Language = Type.Object({
  tag: Type.String({ description: 'BCP 47 tag, e.g. ar, fa-AF' }),
  name: Type.String({ description: 'The language’s name in itself, e.g. العربية, Українська, دری' }),
  direction: Direction,
});
const NoticeSummary = Type.Object({
  purpose: Type.String(),
  version: Type.String({ description: 'The current version: the one to show and to record with a consent' }),
  versions: Type.Array(Type.String(), { description: 'Every version kept, newest first' }),
  languages: Type.Array(Type.String(), { description: 'Tags of the languages the current version is in' }),
});
const NoticeBody = Type.Object({
  purpose: Type.String(),
  version: Type.String(),
  current: Type.Boolean({ description: 'Whether this is the current version' }),
  language: Type.String({ description: 'The tag of the text given (a request for fa or prs gets fa-AF)' }),
  direction: Direction,
  title: Type.String(),
  paragraphs: Type.Array(Type.String()),
  languages: Type.Array(Language, { description: 'Every language this version is in' }),
});

export function noticeRoutes(app: HttpApp, haven: Haven): void {
  const { notices } = haven;

  app.get(
    '/api/notices',
    {
      config: { access: { kind: 'staff' } },
      schema: {
        tags: ['notices'],
        summary: 'The privacy notices: each purpose’s current version and its languages (LNG-1)',
        response: { 200: Type.Object({ notices: Type.Array(NoticeSummary) }), ...errorResponses },
      },
    },
    async () => ({
      notices: notices.purposes.map((purpose) => {
        const current = notices.find(purpose)!;
        return {
          purpose,
          version: current.version,
          versions: [...notices.versions(purpose)],
          languages: notices.languagesOf(current).map((l) => l.tag),
        };
      }),
    }),
  );

  app.get(
    '/api/notices/:purpose',
    {
      config: { access: { kind: 'staff' } },
      schema: {
        tags: ['notices'],
        summary: 'A purpose’s privacy notice in one language, to read or show to the person (LNG-1)',
        description:
          'Record the returned `version` and `language` with the person’s consent (PUR-3). Without `language` the ' +
          'notice is given in English; without `version`, the current version.',
        params: Type.Object({ purpose: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }),
        querystring: Type.Object(
          {
            language: Type.Optional(
              Type.String({
                maxLength: 35,
                description:
                  'BCP 47 tag; a regional tag finds its language (ar-SY → ar), fa and prs give fa-AF',
              }),
            ),
            version: Type.Optional(Type.String({ maxLength: 40, description: 'An older version' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: NoticeBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { purpose } = request.params as { purpose: string };
      const query = request.query as { language?: string; version?: string };
      if (notices.versions(purpose).length === 0) {
        throw new HavenError('notice-not-found', 'There is no privacy notice for that purpose.', {
          status: 404,
        });
      }
      const notice = notices.find(purpose, query.version);
      if (notice === undefined) {
        throw new HavenError(
          'notice-version-not-found',
          'That purpose’s notice has no such version; GET /api/notices lists the versions kept.',
          { status: 404 },
        );
      }
      const available = notices.languagesOf(notice);
      const language = notices.resolveLanguage(notice, query.language ?? 'en');
      if (language === undefined) {
        throw new HavenError(
          'notice-language-unavailable',
          `This notice is not written in that language. It is in: ${available.map((l) => l.tag).join(', ')}. ` +
            'An interpreter may read it aloud in another language; record that language with the consent.',
          { status: 400 },
        );
      }
      const text = notice.texts.get(language.tag)!;
      reply.header('content-language', language.tag);
      return {
        purpose,
        version: notice.version,
        current: notice.version === notices.versions(purpose)[0],
        language: language.tag,
        direction: language.direction,
        title: text.title,
        paragraphs: [...text.paragraphs],
        languages: available.map((l) => ({ tag: l.tag, name: l.name, direction: l.direction })),
      };
    },
  );
}
