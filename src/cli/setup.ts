import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Octokit } from '@octokit/rest';
import { appManifest, githubWebUrl, missingTokenScopes, TOKEN_SCOPES } from '../domain/github-access';
import { CliError, consoleIo, type CliIo } from './cli-io';
import { mergeEnvFile } from './env-file';

/** Octokit logs failed requests itself; the commands say what failed in their own words. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const USAGE = `issueflow setup: create issueflow's GitHub App from a manifest (or check a token) and write .env

  issueflow setup [--org ORG] [--name NAME] [--homepage URL] [--webhook-url URL] [--owners a,b] [--port 3100] [--env-file .env]
  issueflow setup --token            check GITHUB_TOKEN's scopes instead, and write it to .env

Without --webhook-url the App's webhook goes to WEBHOOK_PROXY_URL, else to a new smee.io channel
(written to .env as WEBHOOK_PROXY_URL; \`issueflow start\` then forwards its deliveries).`;

/** What setup needs besides its arguments (tests: the stand-in's URL, a local smee). */
export interface SetupDeps {
  env: Record<string, string | undefined>;
  io?: CliIo;
  /** Creates a webhook proxy channel (smee.io by default). */
  createChannel?: () => Promise<string>;
  /** How long to wait for GitHub to send the browser back (default 15 minutes). */
  timeoutMs?: number;
}

/** `issueflow setup ...`: returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runSetupCommand(argv: string[], deps: SetupDeps): Promise<number> {
  const io = deps.io ?? consoleIo;
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        token: { type: 'boolean' }, org: { type: 'string' }, name: { type: 'string' }, homepage: { type: 'string' }, 'webhook-url': { type: 'string' }, owners: { type: 'string' },
        port: { type: 'string', default: '3100' }, 'env-file': { type: 'string', default: '.env' }, help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const apiUrl = deps.env.GITHUB_API_URL || 'https://api.github.com';
  try {
    if (values.token) return await checkToken(deps.env, apiUrl, values['env-file'], io);
    const webhookUrl = values['webhook-url'] || deps.env.WEBHOOK_PROXY_URL || (await newChannel(deps, values['env-file'], io));
    const created = await createAppFromManifest({ apiUrl, webhookUrl, org: values.org, name: values.name, homepage: values.homepage, port: Number(values.port), io, timeoutMs: deps.timeoutMs ?? 15 * 60_000 });
    const owners = values.owners ?? values.org ?? created.owner;
    mergeEnvFile(values['env-file'], {
      GITHUB_APP_ID: String(created.id),
      GITHUB_APP_PRIVATE_KEY: created.pem,
      GITHUB_WEBHOOK_SECRET: created.webhookSecret,
      ALLOWED_OWNERS: owners,
      ...(apiUrl !== 'https://api.github.com' ? { GITHUB_API_URL: apiUrl } : {}),
    });
    io.out(`Created the GitHub App ${created.slug} (id ${created.id}); wrote its id, private key, webhook secret and ALLOWED_OWNERS=${owners} to ${values['env-file']} (mode 0600).`);
    io.out(`Install it on your repositories: ${created.htmlUrl}/installations/new`);
    if (deps.env.GITHUB_TOKEN) io.out('Note: GITHUB_TOKEN is set too, and issueflow uses a token before an App: remove it (from .env or the environment) to use the App.');
    io.out('Then: issueflow init OWNER/REPO, issueflow doctor OWNER/REPO, issueflow start.');
    return 0;
  } catch (err) {
    io.err(err instanceof CliError ? err.message : `issueflow setup: ${(err as Error).message}`);
    return 1;
  }
}

async function newChannel(deps: SetupDeps, envFile: string, io: CliIo): Promise<string> {
  const create = deps.createChannel ?? (async () => (await import('smee-client')).SmeeClient.createChannel());
  const url = await create().catch((err: Error) => {
    throw new CliError(`Could not create a smee.io channel (${err.message}): pass --webhook-url with your public https://.../webhooks/github, or a channel URL.`);
  });
  mergeEnvFile(envFile, { WEBHOOK_PROXY_URL: url });
  io.out(`Webhooks go to the new channel ${url} (WEBHOOK_PROXY_URL in ${envFile}); \`issueflow start\` forwards them.`);
  return url;
}

/** `--token`: a classic token must carry the `repo` scope; a fine-grained one has no scopes to show (doctor checks it per repository). */
async function checkToken(env: Record<string, string | undefined>, apiUrl: string, envFile: string, io: CliIo): Promise<number> {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new CliError('GITHUB_TOKEN is not set: create a token (classic: scope "repo"; fine-grained: Issues, Pull requests, Contents read and write) and export it, then run `issueflow setup --token` again.');
  const octokit = new Octokit({ baseUrl: apiUrl, auth: token, userAgent: 'issueflow', log: quiet });
  const response = await octokit.rest.users.getAuthenticated().catch((err: { status?: number; message: string }) => {
    throw new CliError(err.status === 401 ? 'GITHUB_TOKEN is not valid (401 Bad credentials): create a new one.' : `GitHub did not answer GET /user: ${err.message}`);
  });
  const missing = missingTokenScopes(response.headers['x-oauth-scopes']);
  if (missing?.length) {
    io.err(`GITHUB_TOKEN (user ${response.data.login}) lacks the scope "${missing.join('", "')}" (it has: ${response.headers['x-oauth-scopes'] || 'none'}): edit the token and tick "${TOKEN_SCOPES.full}".`);
    return 1;
  }
  mergeEnvFile(envFile, { GITHUB_TOKEN: token, ...(env.GITHUB_WEBHOOK_SECRET ? {} : { GITHUB_WEBHOOK_SECRET: randomBytes(20).toString('hex') }) });
  io.out(
    missing
      ? `GITHUB_TOKEN is a classic token of ${response.data.login} with the "${TOKEN_SCOPES.full}" scope; written to ${envFile} (mode 0600) with a GITHUB_WEBHOOK_SECRET for your repository webhook.`
      : `GITHUB_TOKEN is a fine-grained token of ${response.data.login}; written to ${envFile} (mode 0600). Its repository permissions are checked by \`issueflow doctor OWNER/REPO\`.`,
  );
  return 0;
}

interface CreatedApp {
  id: number;
  slug: string;
  owner: string;
  pem: string;
  webhookSecret: string;
  htmlUrl: string;
}

/**
 * Probot's flow: a page on localhost posts the manifest to GitHub's "new App" page; GitHub sends the
 * browser back to `/callback?code=...`, and the code is converted (`POST /app-manifests/{code}/conversions`).
 */
async function createAppFromManifest(o: { apiUrl: string; webhookUrl: string; org?: string; name?: string; homepage?: string; port: number; io: CliIo; timeoutMs: number }): Promise<CreatedApp> {
  const state = randomBytes(16).toString('hex');
  const web = githubWebUrl(o.apiUrl);
  const postTo = `${web}${o.org ? `/organizations/${encodeURIComponent(o.org)}` : ''}/settings/apps/new?state=${state}`;
  let done: (result: CreatedApp | Error) => void = () => undefined;
  const finished = new Promise<CreatedApp | Error>((resolve) => (done = resolve));
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      page(res, 500, `Creating the App failed: ${escapeHtml(err.message)}. See the terminal.`);
      done(err);
    });
  });
  let base = '';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/') {
      const manifest = appManifest({ name: o.name ?? `issueflow-${randomBytes(3).toString('hex')}`, url: o.homepage ?? web, webhookUrl: o.webhookUrl, redirectUrl: `${base}/callback` });
      return page(res, 200, `<form id="f" method="post" action="${escapeHtml(postTo)}"><input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}"><button>Create the GitHub App on GitHub</button></form><script>document.getElementById('f').submit()</script>`);
    }
    if (url.pathname !== '/callback') return page(res, 404, 'Not found');
    if (url.searchParams.get('state') !== state) return page(res, 400, 'This link is not from this setup (state mismatch): start again from the page setup printed.');
    const code = url.searchParams.get('code');
    if (!code) return page(res, 400, 'GitHub sent no code.');
    const { data } = await new Octokit({ baseUrl: o.apiUrl, userAgent: 'issueflow', log: quiet }).rest.apps.createFromManifest({ code });
    const created: CreatedApp = { id: data.id, slug: data.slug ?? String(data.id), owner: ownerLogin(data.owner), pem: data.pem, webhookSecret: data.webhook_secret ?? '', htmlUrl: data.html_url };
    page(res, 200, `The GitHub App <b>${escapeHtml(created.slug)}</b> is created. <a href="${escapeHtml(created.htmlUrl)}/installations/new">Install it on your repositories</a>; the terminal says what next.`);
    done(created);
  };
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  o.io.out(`Open ${base}/ in your browser: it takes you to GitHub to create the App (waiting for GitHub to send you back to ${base}/callback).`);
  const timer = setTimeout(() => done(new CliError(`No answer from GitHub within ${Math.round(o.timeoutMs / 60_000)} minutes: run issueflow setup again.`)), o.timeoutMs);
  const result = await finished.finally(() => {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  });
  if (result instanceof Error) throw result;
  return result;
}

function ownerLogin(owner: unknown): string {
  return (owner as { login?: string } | null)?.login ?? '';
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><meta charset="utf-8"><title>issueflow setup</title><p>${body}</p>`);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
