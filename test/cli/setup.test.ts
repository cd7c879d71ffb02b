import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { runSetupCommand } from '../../src/cli/setup';
import { APP_PERMISSIONS, WEBHOOK_EVENTS } from '../../src/domain/github-access';
import { GithubStandin } from '../support/github-standin';

let standin: GithubStandin;
let apiUrl: string;
beforeAll(async () => {
  standin = new GithubStandin({ tokens: { 'standin-token': 'issueflow-bot', 'gist-token': 'alice', 'fine-token': 'bob' }, tokenScopes: { 'standin-token': 'repo, workflow', 'gist-token': 'gist' } });
  apiUrl = await standin.start();
});
afterAll(async () => standin?.stop());
afterEach(() => standin.assertNoViolations());

const envFile = () => join(mkdtempSync(join(tmpdir(), 'issueflow-setup-')), '.env');
const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)));

function run(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  let announce: (url: string) => void = () => undefined;
  const opened = new Promise<string>((resolve) => (announce = resolve));
  const io = { out: (l: string) => { out.push(l); const m = /^Open (\S+)\//.exec(l); if (m) announce(m[1]); }, err: (l: string) => err.push(l) };
  const code = runSetupCommand(argv, { env: { GITHUB_API_URL: apiUrl, ...env }, io, timeoutMs: 20_000, createChannel: async () => 'http://127.0.0.1:9/smee-channel' });
  return { code, opened, out, err };
}

describe('issueflow setup (GitHub App from a manifest)', () => {
  it('posts the manifest with exactly the permissions and events, converts the code, writes .env (0600, other lines kept) and prints the install link', async () => {
    const file = envFile();
    writeFileSync(file, '# mine\nPORT=4000\n# GITHUB_APP_ID=\n');
    const r = run(['--port', '0', '--org', 'octo', '--webhook-url', 'https://hooks.example.com/webhooks/github', '--env-file', file], {});
    const base = await r.opened;

    const html = await (await fetch(`${base}/`)).text();
    const action = unescape(/action="([^"]+)"/.exec(html)![1]);
    expect(action).toMatch(new RegExp(`^${apiUrl}/organizations/octo/settings/apps/new\\?state=[0-9a-f]{32}$`));
    const manifest = JSON.parse(unescape(/name="manifest" value="([^"]+)"/.exec(html)![1]));
    expect(manifest).toMatchObject({ hook_attributes: { url: 'https://hooks.example.com/webhooks/github' }, redirect_url: `${base}/callback`, default_events: [...WEBHOOK_EVENTS] });
    expect(Object.keys(manifest.default_permissions)).toEqual(APP_PERMISSIONS.map((p) => p.key));

    const state = new URL(action).searchParams.get('state')!;
    expect((await fetch(`${base}/callback?code=x&state=wrong`)).status).toBe(400);
    const code = standin.registerManifest(manifest, 'octo');
    const callback = await fetch(`${base}/callback?code=${code}&state=${state}`);
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain('/installations/new');
    expect(await r.code).toBe(0);

    const written = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(written).toMatch(/^# mine\nPORT=4000\nGITHUB_APP_ID=\d+\n/);
    expect(written).toContain('ALLOWED_OWNERS=octo\n');
    expect(written).toMatch(/GITHUB_WEBHOOK_SECRET=[0-9a-f]{40}\n/);
    expect(r.out.join('\n')).toMatch(/Install it on your repositories: \S+\/apps\/issueflow-[0-9a-f]+\/installations\/new/);

    // What was written works: Node reads the key back (as `issueflow` does, with process.loadEnvFile), and the App authenticates with it.
    const env = parseEnv(written);
    const app = new Octokit({ baseUrl: apiUrl, authStrategy: createAppAuth, auth: { appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY } });
    const { data } = await app.rest.apps.getAuthenticated();
    expect(data!.permissions).toEqual(manifest.default_permissions);
    expect(data!.events).toEqual([...WEBHOOK_EVENTS]);
  });

  it('without --webhook-url creates a proxy channel and writes WEBHOOK_PROXY_URL', async () => {
    const file = envFile();
    const r = run(['--port', '0', '--env-file', file], {});
    const base = await r.opened;
    const raw = await (await fetch(`${base}/`)).text();
    const html = unescape(raw);
    expect(html).toContain('"hook_attributes":{"url":"http://127.0.0.1:9/smee-channel"');
    expect(html).toContain(`action="${apiUrl}/settings/apps/new?state=`);
    const state = /state=([0-9a-f]+)/.exec(html)![1];
    const code = standin.registerManifest(JSON.parse(unescape(/value="([^"]+)"/.exec(raw)![1])), 'alice');
    await fetch(`${base}/callback?code=${code}&state=${state}`);
    expect(await r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^WEBHOOK_PROXY_URL=http:\/\/127.0.0.1:9\/smee-channel\n[\s\S]*ALLOWED_OWNERS=alice\n/);
  });
});

describe('issueflow setup --token', () => {
  it('accepts a classic token with "repo" and writes it with a webhook secret', async () => {
    const file = envFile();
    const r = run(['--token', '--env-file', file], { GITHUB_TOKEN: 'standin-token' });
    expect(await r.code).toBe(0);
    expect(r.out.join('\n')).toContain('classic token of issueflow-bot with the "repo" scope');
    expect(readFileSync(file, 'utf8')).toMatch(/^GITHUB_TOKEN=standin-token\nGITHUB_WEBHOOK_SECRET=[0-9a-f]{40}\n$/);
  });

  it('refuses a token without "repo", names a fine-grained one, and says what to do without one', async () => {
    const gist = run(['--token', '--env-file', envFile()], { GITHUB_TOKEN: 'gist-token' });
    expect(await gist.code).toBe(1);
    expect(gist.err.join('\n')).toContain('lacks the scope "repo" (it has: gist)');
    const fine = run(['--token', '--env-file', envFile()], { GITHUB_TOKEN: 'fine-token' });
    expect(await fine.code).toBe(0);
    expect(fine.out.join('\n')).toContain('fine-grained token of bob');
    const none = run(['--token', '--env-file', envFile()], {});
    expect(await none.code).toBe(1);
    expect(none.err.join('\n')).toContain('GITHUB_TOKEN is not set');
    const bad = run(['--token', '--env-file', envFile()], { GITHUB_TOKEN: 'nope' });
    expect(await bad.code).toBe(1);
    expect(bad.err.join('\n')).toContain('401');
  });
});
