import { Type } from 'typebox';
import type { Haven } from '../../haven.ts';
import type { HttpApp } from '../http-app.ts';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable'), Type.Literal('not-migrated')]),
  pendingMigrations: Type.Optional(Type.Integer()),
});

export function healthRoutes(app: HttpApp, haven: Haven): void {
  app.get(
    '/healthz',
    {
      config: { access: { kind: 'public' }, rateLimit: false },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: { kind: 'public' }, rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'The database and the key vault are reachable and fully migrated',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      try {
        const { main, vault } = await haven.migrationStatus();
        const pending = main.pending + vault.pending;
        if (pending > 0) {
          return reply
            .code(503)
            .send({ status: 'not-ready', database: 'not-migrated', pendingMigrations: pending });
        }
        return { status: 'ready' as const, database: 'ok' as const };
      } catch {
        return reply.code(503).send({ status: 'not-ready', database: 'unreachable' });
      }
    },
  );
}
