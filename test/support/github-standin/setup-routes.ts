import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { RouteContext, RouteResult } from './routes';
import { now, type StandinHook, type StandinRepo } from './store';

/**
 * What `issueflow setup`, `init`, `labels sync` and `doctor` call: repository labels, branches and file
 * commits, webhooks and their deliveries, the App's webhook, and the App manifest conversion.
 */

const DOCS = 'https://docs.github.com/rest';
const notFound = (): RouteResult => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
const invalid = (message: string): RouteResult => ({ status: 422, body: { message, documentation_url: DOCS, status: '422' } });
const fakeSha = (text: string) => createHash('sha1').update(text).digest('hex');
const blobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

/** The files of a branch: the default branch's are `repo.files`. */
export function filesOn(repo: StandinRepo, branch: string | undefined): Map<string, string> | undefined {
  return !branch || branch === repo.defaultBranch ? repo.files : repo.branchFiles.get(branch);
}

/** A branch's head, derived from its files (it changes whenever they do). */
function headOf(repo: StandinRepo, branch: string): string | undefined {
  const files = filesOn(repo, branch);
  return files && fakeSha(`${repo.id}:${branch}:${JSON.stringify([...files])}`);
}

function gitRef(ctx: RouteContext, repo: StandinRepo, branch: string) {
  const api = `${ctx.payloads.base}/repos/${repo.owner}/${repo.name}`;
  const sha = headOf(repo, branch)!;
  return { ref: `refs/heads/${branch}`, node_id: `REF_${branch}`, url: `${api}/git/refs/heads/${branch}`, object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` } };
}

function hookJson(ctx: RouteContext, repo: StandinRepo, h: StandinHook) {
  const url = `${ctx.payloads.base}/repos/${repo.owner}/${repo.name}/hooks/${h.id}`;
  const last = h.deliveries[0];
  return {
    type: 'Repository', id: h.id, name: 'web', active: h.active, events: h.events,
    config: { content_type: 'json', insecure_ssl: '0', url: h.url },
    updated_at: now(), created_at: now(), url, test_url: `${url}/test`, ping_url: `${url}/pings`, deliveries_url: `${url}/deliveries`,
    last_response: last ? { code: last.statusCode, status: last.statusCode < 300 ? 'active' : 'failed', message: null } : { code: null, status: 'unused', message: null },
  };
}

function deliveriesJson(h: StandinHook, repositoryId: number | null) {
  return h.deliveries.map((d) => ({
    id: d.id, guid: d.guid, delivered_at: d.deliveredAt, redelivery: false, duration: 0.1, status: d.statusCode < 300 ? 'OK' : `Invalid HTTP Response: ${d.statusCode}`,
    status_code: d.statusCode, event: d.event, action: d.action, installation_id: null, repository_id: repositoryId,
  }));
}

export const setupRepoHandlers: Record<string, (ctx: RouteContext, repo: StandinRepo) => RouteResult> = {
  'issues/list-labels-for-repo': (ctx, repo) => ({ status: 200, body: [...repo.labels.values()].slice(0, Number(ctx.query.per_page ?? 30)).map((l) => ctx.payloads.label(repo, l)) }),
  'issues/update-label': (ctx, repo) => {
    const label = ctx.store.label(repo, ctx.params.name);
    if (!label) return notFound();
    if (ctx.body.color !== undefined) label.color = String(ctx.body.color);
    if (ctx.body.description !== undefined) label.description = ctx.body.description;
    return { status: 200, body: ctx.payloads.label(repo, label) };
  },
  'git/get-ref': (ctx, repo) => {
    const branch = ctx.params.ref.replace(/^heads\//, '');
    return ctx.params.ref.startsWith('heads/') && filesOn(repo, branch) ? { status: 200, body: gitRef(ctx, repo, branch) } : notFound();
  },
  'git/create-ref': (ctx, repo) => {
    const branch = String(ctx.body.ref).replace(/^refs\/heads\//, '');
    if (filesOn(repo, branch)) return invalid('Reference already exists');
    const from = [repo.defaultBranch, ...repo.branchFiles.keys()].find((b) => headOf(repo, b) === ctx.body.sha);
    if (!from) return invalid('Object does not exist');
    repo.branchFiles.set(branch, new Map(filesOn(repo, from)));
    (repo.branches ??= new Set([repo.defaultBranch])).add(branch);
    return { status: 201, body: gitRef(ctx, repo, branch) };
  },
  'repos/create-or-update-file-contents': (ctx, repo) => {
    const branch = ctx.body.branch ?? repo.defaultBranch;
    const files = filesOn(repo, branch);
    if (!files) return notFound();
    const path = ctx.params.path;
    const old = files.get(path);
    if (old !== undefined && ctx.body.sha === undefined) return invalid('"sha" wasn\'t supplied.');
    if (old !== undefined && ctx.body.sha !== blobSha(old)) return { status: 409, body: { message: `${path} does not match ${ctx.body.sha}`, documentation_url: DOCS, status: '409' } };
    const text = Buffer.from(String(ctx.body.content), 'base64').toString('utf8');
    files.set(path, text);
    const sha = headOf(repo, branch)!;
    const api = `${ctx.payloads.base}/repos/${repo.owner}/${repo.name}`;
    const person = { date: now(), name: ctx.actor, email: `${ctx.actor}@users.noreply.github.com` };
    const file = ctx.payloads.contentFile(repo, path, text);
    const { content: _c, encoding: _e, ...content } = file;
    return {
      status: old === undefined ? 201 : 200,
      body: {
        content,
        commit: {
          sha, node_id: `C_${sha}`, url: `${api}/git/commits/${sha}`, html_url: `${ctx.payloads.base}/${repo.owner}/${repo.name}/commit/${sha}`, author: person, committer: person,
          message: String(ctx.body.message), tree: { url: `${api}/git/trees/${sha}`, sha }, parents: [],
          verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
        },
      },
    };
  },
  'repos/list-webhooks': (ctx, repo) => ({ status: 200, body: repo.hooks.map((h) => hookJson(ctx, repo, h)) }),
  'repos/list-webhook-deliveries': (ctx, repo) => {
    const hook = repo.hooks.find((h) => h.id === Number(ctx.params.hook_id));
    return hook ? { status: 200, body: deliveriesJson(hook, repo.id).slice(0, Number(ctx.query.per_page ?? 30)) } : notFound();
  },
};

/** The App's webhook and the manifest conversion (outside `/repos`). */
export const setupAppHandlers: Record<string, (ctx: RouteContext) => RouteResult> = {
  'apps/get-webhook-config-for-app': (ctx) => (ctx.store.appHook ? { status: 200, body: { url: ctx.store.appHook.url, content_type: 'json', insecure_ssl: '0', secret: '********' } } : notFound()),
  'apps/list-webhook-deliveries': (ctx) => ({ status: 200, body: deliveriesJson(ctx.store.appHook ?? { id: 0, url: '', events: [], active: true, deliveries: [] }, null).slice(0, Number(ctx.query.per_page ?? 30)) }),
  'apps/create-from-manifest': (ctx) => {
    const manifest = ctx.store.manifests.get(ctx.params.code);
    if (!manifest) return notFound();
    ctx.store.manifests.delete(ctx.params.code); // a code converts once, within an hour, on GitHub
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = ctx.store.nextId();
    const slug = String(manifest.name).toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    const hook = manifest.hook_attributes as { url: string } | undefined;
    const app = { id, slug, owner: ctx.store.manifestOwner ?? 'octocat', permissions: manifest.default_permissions as Record<string, string>, events: manifest.default_events as string[] };
    ctx.registerApp?.({ ...app, publicKey });
    if (hook) ctx.store.appHook = { id: ctx.store.nextId(), url: hook.url, events: app.events, active: true, deliveries: [] };
    const webhookSecret = randomBytes(20).toString('hex');
    return {
      status: 201,
      body: { ...ctx.payloads.app(app), client_id: `Iv1.${id}`, client_secret: randomBytes(20).toString('hex'), webhook_secret: webhookSecret, pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
    };
  },
};
