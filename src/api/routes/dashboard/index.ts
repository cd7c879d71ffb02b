import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { parseIssueWorkflowId } from '../../../domain/ids';
import { markdownToSafeHtml } from '../../../domain/markdown-html';
import { renderStatusComment, temporalWorkflowUrl } from '../../../domain/status-comment';
import { tokensMatch, rateLimitOptions } from '../../bearer-auth';
import { sessionCookie, sessionValid, sessionValue, setSessionCookie } from '../../dashboard-session';
import { queryStatus } from '../jobs/shared';
import { conversationQuery } from '../../../workflows/messages';
import type { ConversationEntry } from '../../../domain/prompt';
import { conversationHtml, DASHBOARD_CSP, jobPage, jobsPage, loginPage, type DashboardLinks } from './pages';

export interface DashboardOptions extends DashboardLinks {
  client: Client;
  apiToken?: string;
  rateLimitPerMinute: number;
}

const PUBLIC = join(__dirname, '..', '..', '..', '..', 'public');
const asset = (name: string) => readFileSync(join(PUBLIC, name), 'utf8');

/**
 * The operators' dashboard: `/` lists the jobs, `/ui/jobs/:id` shows one; both behind the API token,
 * given once in a login form that sets an HttpOnly cookie. The pages read the jobs API with that
 * cookie (reads only) and follow `GET /jobs/:id/events` live.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardOptions> = async (app, o) => {
  const assets = { js: asset('dashboard.js'), css: asset('dashboard.css') };
  await app.register(rateLimit, rateLimitOptions(o.rateLimitPerMinute));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
  });
  const hide = { schema: { hide: true } };
  const byId = { schema: { hide: true, params: Type.Object({ id: Type.String() }) } };
  const html = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const loggedIn = (request: FastifyRequest) => !!o.apiToken && sessionValid(sessionCookie(request), o.apiToken);

  app.get('/ui/dashboard.js', hide, async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(assets.js));
  app.get('/ui/dashboard.css', hide, async (_req, reply) => reply.type('text/css; charset=utf-8').send(assets.css));
  app.get('/favicon.ico', hide, async (_req, reply) => reply.code(204).send()); // browsers ask; none here
  app.get('/login', hide, async (_req, reply) => html(reply, loginPage(false)));
  // No body schema: a login of any other shape, or none, is a wrong token (the 401 page), never a 400.
  app.post<{ Body: { token?: unknown } | undefined }>('/login', hide, async (request, reply) => {
    const given = String(request.body?.token ?? '');
    if (!o.apiToken) return html(reply, loginPage(true).replace('That is not the API token.', 'The dashboard is off: set ISSUEFLOW_API_TOKEN.'), 503);
    if (!tokensMatch(given, o.apiToken)) {
      request.log.warn({ reason: 'unauthorized' }, 'dashboard login refused');
      return html(reply, loginPage(true), 401);
    }
    return reply.header('set-cookie', setSessionCookie(request, sessionValue(o.apiToken))).redirect('/', 303);
  });
  app.post('/logout', hide, async (request, reply) => reply.header('set-cookie', setSessionCookie(request, '', 0)).redirect('/login', 303));

  app.get('/', hide, async (request, reply) => (loggedIn(request) ? html(reply, jobsPage(o)) : reply.redirect('/login', 303)));
  app.get('/ui/jobs/:id', byId, async (request, reply) => {
    if (!loggedIn(request)) return reply.redirect('/login', 303);
    const id = request.params.id;
    const ref = parseIssueWorkflowId(id);
    if (!ref) return html(reply, jobPage(id, '<p>Not an issue workflow id.</p>', '', {}), 404);
    const [{ statusHtml }, said] = await Promise.all([statusOf(o, id), conversationOf(o.client, id)]);
    return html(reply, jobPage(id, statusHtml, conversationHtml(said), { issueUrl: `https://github.com/${ref.owner}/${ref.repo}/issues/${ref.issueNumber}`, temporalUrl: temporalWorkflowUrl(o, id) }));
  });
  /** The status comment alone, re-fetched by the job page on every state event. */
  app.get('/ui/jobs/:id/status', byId, async (request, reply) => {
    if (!loggedIn(request)) return reply.code(401).send('');
    const id = request.params.id;
    if (!parseIssueWorkflowId(id)) return reply.code(404).send('');
    const { statusHtml, state } = await statusOf(o, id);
    return html(reply.header('x-issueflow-state', state ?? ''), statusHtml);
  });
  /** The conversation alone, re-fetched with the status. */
  app.get('/ui/jobs/:id/conversation', byId, async (request, reply) => {
    if (!loggedIn(request)) return reply.code(401).send('');
    const id = request.params.id;
    if (!parseIssueWorkflowId(id)) return reply.code(404).send('');
    return html(reply, conversationHtml(await conversationOf(o.client, id)));
  });
};

/** The workflow's conversation query, or undefined when it does not answer within 2 s. */
async function conversationOf(client: Client, id: string): Promise<ConversationEntry[] | undefined> {
  try {
    return await client.connection.withDeadline(Date.now() + 2000, () => client.workflow.getHandle(id).query(conversationQuery));
  } catch {
    return undefined;
  }
}

async function statusOf(o: DashboardOptions, id: string): Promise<{ statusHtml: string; state?: string }> {
  const { status, error } = await queryStatus(o.client, id);
  if (!status) return { statusHtml: markdownToSafeHtml(`The workflow did not answer its status query: ${error ?? 'no answer'}`) };
  return { statusHtml: markdownToSafeHtml(renderStatusComment(status, { temporalUiUrl: o.temporalUiUrl, namespace: o.namespace })), state: status.state };
}
