import type { FastifyPluginAsync } from 'fastify';
import type { HealthCheck } from '../health-checks';

const healthResponse = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { ok: { type: 'boolean' }, detail: { type: 'string' } }, required: ['ok'] },
    },
    failing: { type: 'array', items: { type: 'string' } },
  },
  required: ['status'],
} as const;

/** `/health`: the process is up. `/health/ready`: Temporal, the namespace and the database are usable. */
export const healthRoutes: FastifyPluginAsync<{ checks: HealthCheck[] }> = async (app, { checks }) => {
  app.get('/health', { schema: { tags: ['health'], response: { 200: healthResponse } } }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { tags: ['health'], response: { 200: healthResponse, 503: healthResponse } } }, async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const failing = results.filter(([, r]) => !r.ok).map(([name]) => name);
    reply.code(failing.length ? 503 : 200);
    return { status: failing.length ? 'unavailable' : 'ok', checks: Object.fromEntries(results), failing };
  });
};

async function runCheck(check: HealthCheck): Promise<{ ok: boolean; detail?: string }> {
  try {
    const detail = await withTimeout(check.run(), 3000);
    return { ok: true, detail: detail ?? undefined };
  } catch (error) {
    return { ok: false, detail: (error as Error).message.split('\n')[0] };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}
