/**
 * Liveness and readiness. Who may call: anyone (they reveal nothing but up/ready).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../services/context.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['ops'],
        summary: 'Process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['ops'],
        summary: 'Database reachable and every migration applied',
        response: {
          200: z.object({ status: z.literal('ready'), database: z.string() }),
          503: z.object({ status: z.literal('not_ready'), database: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      const ok = await ctx.database.ready();
      const database = ctx.database.engine;
      return ok
        ? reply.send({ status: 'ready' as const, database })
        : reply.status(503).send({ status: 'not_ready' as const, database });
    },
  );
};
