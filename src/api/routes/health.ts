import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { HealthCheck } from '../health-checks';
import { StringEnum } from './string-enum';

const checkResult = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

// `additionalProperties`, not TypeBox's Record (`patternProperties`), which OpenAPI 3.0 does not have.
const healthResponse = Type.Object({
  status: StringEnum(['ok', 'unavailable']),
  checks: Type.Optional(Type.Unsafe<Record<string, Static<typeof checkResult>>>({ type: 'object', additionalProperties: checkResult })),
  failing: Type.Optional(Type.Array(Type.String())),
});

/** `/health`: the process is up. `/health/ready`: Temporal, the namespace and the database are usable. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: HealthCheck[] }> = async (app, { checks }) => {
  app.get('/health', { schema: { tags: ['health'], response: { 200: healthResponse } } }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { tags: ['health'], response: { 200: healthResponse, 503: healthResponse } } }, async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const failing = results.filter(([, r]) => !r.ok).map(([name]) => name);
    reply.code(failing.length ? 503 : 200);
    return { status: failing.length ? ('unavailable' as const) : ('ok' as const), checks: Object.fromEntries(results), failing };
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
