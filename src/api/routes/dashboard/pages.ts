import { escapeHtml as esc } from '../../../domain/markdown-html';
import type { ConversationEntry } from '../../../domain/prompt';

/** Where the dashboard links a workflow in the Temporal UI; absent when TEMPORAL_UI_URL is unknown. */
export interface DashboardLinks {
  temporalUiUrl?: string;
  namespace: string;
}

/** Scripts and styles come from this origin only; nothing inline, no frames, forms post here. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string, data: Record<string, string | undefined> = {}): string {
  const attrs = Object.entries(data)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` data-${k}="${esc(v!)}"`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · issueflow</title><link rel="stylesheet" href="/ui/dashboard.css">
<script src="/ui/dashboard.js" defer></script></head>
<body${attrs}><header><a href="/" class="brand">issueflow</a><nav><a href="/docs">API docs</a>
<form method="post" action="/logout"><button type="submit">Log out</button></form></nav></header>
<main>${body}</main></body></html>`;
}

/** The login form; `failed` after a wrong token. */
export function loginPage(failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in · issueflow</title><link rel="stylesheet" href="/ui/dashboard.css"></head>
<body><main class="login"><h1>issueflow</h1>
${failed ? '<p class="error" role="alert">That is not the API token.</p>' : ''}
<form method="post" action="/login"><label for="token">API token (ISSUEFLOW_API_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button></form></main></body></html>`;
}

/** The jobs of every repository; rows are filled and kept live by dashboard.js. */
export function jobsPage(links: DashboardLinks): string {
  return page(
    'Jobs',
    `<h1>Jobs</h1><p class="muted" id="updated">Loading…</p>
<table id="jobs"><thead><tr><th>Issue</th><th>State</th><th>Step</th><th>Age</th><th>Cost</th><th>Links</th></tr></thead><tbody></tbody></table>`,
    { page: 'jobs', 'temporal-ui': links.temporalUiUrl, namespace: links.namespace },
  );
}

/** One job: its status comment (already safe HTML), and its logs, which dashboard.js follows live. */
export function jobPage(workflowId: string, statusHtml: string, conversationHtml: string, links: { issueUrl?: string; temporalUrl?: string }): string {
  const nav = [links.issueUrl && `<a href="${esc(links.issueUrl)}" rel="noopener noreferrer">Issue</a>`, links.temporalUrl && `<a href="${esc(links.temporalUrl)}" rel="noopener noreferrer">Temporal UI</a>`]
    .filter(Boolean)
    .join(' · ');
  return page(
    workflowId,
    `<h1>${esc(workflowId)}</h1><p>${nav}</p>
<section><h2>Status <span id="state" class="state"></span></h2><article id="status" class="comment">${statusHtml}</article></section>
<section><h2>Conversation</h2><div id="conversation">${conversationHtml}</div></section>
<section><h2>Logs</h2><div id="logs"><p class="muted" id="no-logs">No agent or test output yet.</p></div></section>`,
    { page: 'job', 'job-id': workflowId },
  );
}

/** What people said to issueflow, as text: their comments are untrusted and never rendered as markup. */
export function conversationHtml(entries: ConversationEntry[] | undefined): string {
  if (!entries) return '<p class="muted">The workflow did not answer (no worker running, or one older than the dashboard).</p>';
  if (!entries.length) return '<p class="muted">Nobody has answered or reviewed yet.</p>';
  const item = (e: ConversationEntry) =>
    `<li><strong>${esc(e.author)}</strong> <span class="muted">${esc(e.kind)}${e.path ? ` on ${esc(e.path)}${e.line ? `:${e.line}` : ''}` : ''}, ${esc(e.at)}${e.trusted ? '' : ', no write access'}</span><blockquote class="said">${esc(e.body)}</blockquote></li>`;
  return `<ol class="conversation">${entries.map(item).join('')}</ol>`;
}
