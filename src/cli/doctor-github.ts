import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { createOctokitFactory } from '../activities/github/octokit';
import type { Config } from '../config';
import { missingEvents, missingPermissions, missingTokenScopes, permissionName, TOKEN_SCOPES, WEBHOOK_EVENTS } from '../domain/github-access';
import type { RepoRef } from '../domain/ids';
import { Problem, Skipped, type DoctorCheck } from './doctor-check';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const status = (err: unknown) => (err as { status?: number }).status;
const name = (r: RepoRef) => `${r.owner}/${r.repo}`;
const WEBHOOK_PATH = '/webhooks/github';

/** The checks of GitHub: credentials, their permissions, each repository's reach and its webhook. */
export function githubChecks(config: Config, repos: RepoRef[]): DoctorCheck[] {
  const { token, appId, appPrivateKey, apiUrl } = config.github;
  if (!token && !appId) {
    return [{ name: 'GitHub credentials', run: async () => { throw new Problem('none are set', 'run `issueflow setup` (a GitHub App) or `issueflow setup --token`'); } }];
  }
  const base = { baseUrl: apiUrl, userAgent: 'issueflow', log: quiet };
  const app = appId ? new Octokit({ ...base, authStrategy: createAppAuth, auth: { appId, privateKey: (appPrivateKey ?? '').replace(/\\n/g, '\n') } }) : undefined;
  const user = token ? new Octokit({ ...base, auth: token }) : undefined;
  const octokits = createOctokitFactory({ config: { github: config.github } });
  const checks: DoctorCheck[] = [
    {
      name: 'GitHub credentials',
      run: async () => {
        if (app) {
          const { data } = await app.rest.apps.getAuthenticated().catch((err: unknown) => {
            throw new Problem(`GitHub refused the App's JWT (${status(err) ?? (err as Error).message})`, 'check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (the .pem of that App), or run `issueflow setup` again');
          });
          const missing = [...missingPermissions((data?.permissions ?? {}) as Record<string, string>), ...missingEvents(data?.events ?? []).map((e) => `event ${e}`)];
          if (missing.length) throw new Problem(`the App ${data?.slug} lacks ${missing.join(', ')}`, `in the App's settings (${data?.html_url}) -> Permissions & events, add them; then accept the new permissions on each installation`);
          return `GitHub App ${data?.slug}: every permission and event issueflow needs`;
        }
        const response = await user!.rest.users.getAuthenticated().catch((err: unknown) => {
          throw new Problem(`GitHub refused GITHUB_TOKEN (${status(err) ?? (err as Error).message})`, 'create a new token and run `issueflow setup --token`');
        });
        const missing = missingTokenScopes(response.headers['x-oauth-scopes']);
        if (missing?.length) throw new Problem(`the token of ${response.data.login} lacks the scope ${missing.join(', ')}`, `edit the token and tick "${TOKEN_SCOPES.full}"`);
        return `token of ${response.data.login}${missing ? ` (scopes: ${response.headers['x-oauth-scopes']})` : ' (fine-grained: checked per repository below)'}`;
      },
    },
  ];
  if (user) checks.push({ name: 'GitHub rate limit', run: () => rateLimit(user, 'the token') });
  if (!repos.length) {
    checks.push({ name: 'repositories', run: async () => { throw new Problem('no repository to check', 'name one: `issueflow doctor OWNER/REPO`, or set ALLOWED_REPOS'); } });
  }
  for (const ref of repos) {
    let reached: Promise<string> | undefined;
    checks.push({
      name: `${name(ref)}: reach`,
      run: () => (reached ??= (async () => {
        const octokit = await octokits.forRepo(ref).catch((err: Error) => {
          throw new Problem(err.message.split('\n')[0], `install the App on ${name(ref)} (${config.github.apiUrl.includes('api.github.com') ? 'https://github.com/apps/<slug>/installations/new' : 'its installations page'})`);
        });
        const { data } = await octokit.rest.repos.get({ ...ref }).catch((err: unknown) => {
          throw new Problem(`GitHub answered ${status(err)} for ${name(ref)}`, `check the name, and give the token or App access to ${name(ref)}`);
        });
        if (!app && data.permissions && !data.permissions.push) throw new Problem(`the token can read ${name(ref)} but not push to it`, `give the token's user write access, or a fine-grained token ${['issues', 'pull_requests', 'contents'].map(permissionName).join(', ')}`);
        return `reachable (default branch ${data.default_branch})`;
      })()),
    });
    // An App's limits count per installation: each repository's is its installation's.
    if (app) {
      checks.push({
        name: `${name(ref)}: rate limit`,
        run: async () => {
          if (!(await reached!.then(() => true, () => false))) throw new Skipped(`${name(ref)} is out of reach`);
          return rateLimit(await octokits.forRepo(ref), `the installation on ${name(ref)}`);
        },
      });
    }
    checks.push({
      name: `${name(ref)}: webhook`,
      run: async () => {
        if (!(await reached!.then(() => true, () => false))) throw new Skipped(`${name(ref)} is out of reach`);
        return app ? appWebhook(app, config.webhooks.proxyUrl) : repoWebhook(user!, ref, config.webhooks.proxyUrl);
      },
    });
  }
  return checks;
}

/** Whether a webhook URL reaches this issueflow: its proxy channel, or some `.../webhooks/github`. */
function pointsHere(url: string, proxyUrl: string | undefined): boolean {
  return url === proxyUrl || (URL.canParse(url) && new URL(url).pathname.endsWith(WEBHOOK_PATH));
}

function lastDelivery(deliveries: Array<{ status_code: number; delivered_at: string; event: string }>): string {
  const last = deliveries[0];
  if (!last) return 'no delivery yet';
  if (last.status_code >= 300 || last.status_code === 0) {
    throw new Problem(`the last delivery (${last.event}, ${last.delivered_at}) got ${last.status_code || 'no answer'}`, last.status_code === 401 ? 'GITHUB_WEBHOOK_SECRET differs from the secret of the webhook: set the same on both sides' : 'is issueflow running and reachable at that URL (or WEBHOOK_PROXY_URL set)? then redeliver it from the webhook\'s Recent Deliveries');
  }
  return `last delivery ${last.status_code} at ${last.delivered_at}`;
}

async function appWebhook(app: Octokit, proxyUrl: string | undefined): Promise<string> {
  const { data: hook } = await app.rest.apps.getWebhookConfigForApp().catch((err: unknown) => {
    throw new Problem(`the App's webhook cannot be read (${status(err)})`, "in the App's settings, set a Webhook URL and secret");
  });
  if (!hook.url || !pointsHere(hook.url, proxyUrl)) throw new Problem(`the App's webhook goes to ${hook.url || 'nowhere'}`, `set it to https://<your host>${WEBHOOK_PATH}, or to WEBHOOK_PROXY_URL`);
  const { data: deliveries } = await app.rest.apps.listWebhookDeliveries({ per_page: 1 });
  return `App webhook to ${new URL(hook.url).host}; ${lastDelivery(deliveries)}`;
}

async function repoWebhook(octokit: Octokit, ref: RepoRef, proxyUrl: string | undefined): Promise<string> {
  const { data: hooks } = await octokit.rest.repos.listWebhooks({ ...ref, per_page: 100 }).catch((err: unknown) => {
    throw new Problem(`the webhooks of ${name(ref)} cannot be read (${status(err)})`, 'give the token the "admin:repo_hook" scope (fine-grained: Webhooks: read), or check them in Settings -> Webhooks');
  });
  const hook = hooks.find((h) => h.config.url && pointsHere(h.config.url, proxyUrl));
  const events = `${WEBHOOK_EVENTS.join(', ')}`;
  if (!hook) throw new Problem(`no webhook of ${name(ref)} goes to ${WEBHOOK_PATH} or WEBHOOK_PROXY_URL`, `Settings -> Webhooks -> Add webhook: https://<your host>${WEBHOOK_PATH} (or WEBHOOK_PROXY_URL), content type application/json, secret GITHUB_WEBHOOK_SECRET, events ${events}`);
  if (!hook.active) throw new Problem(`the webhook to ${hook.config.url} is inactive`, 'tick "Active" in its settings');
  const missing = hook.events.includes('*') ? [] : missingEvents(hook.events);
  if (missing.length) throw new Problem(`the webhook does not send ${missing.join(', ')}`, 'tick those events in its settings ("Let me select individual events")');
  const { data: deliveries } = await octokit.rest.repos.listWebhookDeliveries({ ...ref, hook_id: hook.id, per_page: 1 });
  return `to ${new URL(hook.config.url!).host}; ${lastDelivery(deliveries)}`;
}

/** `GET /rate_limit` (which does not count against it): the core limit's remaining/limit and reset; spent is a problem. */
async function rateLimit(octokit: Octokit, whose: string): Promise<string> {
  const { data } = await octokit.rest.rateLimit.get().catch((err: unknown) => {
    throw new Problem(`GitHub's rate limit cannot be read (${status(err) ?? (err as Error).message})`, 'check the credentials above, and GITHUB_API_URL (GitHub Enterprise may have rate limits off)');
  });
  const { remaining, limit, reset } = data.resources.core;
  const at = new Date(reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const left = `${remaining}/${limit} requests left, resets at ${at}`;
  if (remaining === 0) throw new Problem(`${whose} has spent its GitHub rate limit: ${left}`, 'wait for the reset; if it keeps happening, use a GitHub App (`issueflow setup`): each installation has a limit of its own');
  return left;
}
