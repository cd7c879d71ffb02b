import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { sessionCookie, sessionValid } from './dashboard-session';
import { apiError, apiErrorSchema } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares in constant time; hashing first makes lengths equal, so the length is not leaked either. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * An onRequest hook requiring `Authorization: Bearer <ISSUEFLOW_API_TOKEN>`, or for reads (GET) the
 * dashboard's login cookie. Writes always need the header, so a cookie alone can change nothing.
 * Without a configured token the API is closed (503 naming the variable), never open.
 */
function bearerAuth(token: string | undefined): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!token) {
      request.log.warn({ reason: 'api_token_not_configured' }, 'jobs API request refused');
      return reply.code(503).send(apiError('api_token_not_configured', 'The jobs API is off: set ISSUEFLOW_API_TOKEN to a long random value and send it as "Authorization: Bearer <token>".'));
    }
    const m = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (!request.headers.authorization && read && sessionValid(sessionCookie(request), token)) return;
    if (!m || !tokensMatch(m[1].trim(), token)) {
      request.log.warn({ reason: 'unauthorized' }, 'jobs API request refused');
      return reply.code(401).header('www-authenticate', 'Bearer').send(apiError('unauthorized', 'Send "Authorization: Bearer <ISSUEFLOW_API_TOKEN>".'));
    }
  };
}

/**
 * Puts every route of `app` (an encapsulated plugin) behind the token and documents it in each
 * route's schema. The check is a route hook added last, so a rate limit registered before runs first
 * and also slows down token guessing.
 */
export function requireBearer(app: FastifyInstance, token: string | undefined): void {
  const check = bearerAuth(token);
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const response = { 401: apiErrorSchema, 429: apiErrorSchema, 503: apiErrorSchema, ...((schema.response as object) ?? {}) };
    route.schema = { ...schema, security: [{ bearerAuth: [] }], response };
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, check];
  });
}

/** The rate limit of the jobs and admin API, answering in the shared error shape. */
export function rateLimitOptions(perMinute: number) {
  return {
    max: perMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: (_req: FastifyRequest, context: { after: string }) =>
      Object.assign(new Error(`Too many requests; retry in ${context.after} (ISSUEFLOW_API_RATE_LIMIT per minute).`), { statusCode: 429, code: 'RATE_LIMITED' }),
  };
}
