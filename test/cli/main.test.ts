import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GithubStandin } from '../support/github-standin';
import { buildOnce, spawnIssueflow } from '../support/service-process';

let standin: GithubStandin;
let dir: string;
beforeAll(async () => {
  buildOnce();
  standin = new GithubStandin();
  await standin.start();
  standin.createRepo('octo/app');
  standin.addHook('octo/app', { url: 'https://issueflow.example.com/webhooks/github', events: ['*'], deliveries: [202] });
  dir = mkdtempSync(join(tmpdir(), 'issueflow-cwd-'));
  writeFileSync(join(dir, '.env'), `GITHUB_API_URL=${standin.url}\nGITHUB_TOKEN=standin-token\nTRIGGER_LABEL=from-dotenv\n`, { mode: 0o600 });
}, 300_000);
afterAll(async () => standin?.stop());
afterEach(() => standin.assertNoViolations());

async function issueflow(args: string[], env: Record<string, string> = {}) {
  const p = spawnIssueflow(args, env, dir);
  const code = await p.exited;
  return { code, output: p.output() };
}

describe('the compiled issueflow command', () => {
  it('reads ./.env for every command; the environment wins over it', async () => {
    const ok = await issueflow(['labels', 'sync', 'octo/app']);
    expect(ok).toMatchObject({ code: 0, output: expect.stringContaining('created the label from-dotenv') });
    const overridden = await issueflow(['labels', 'sync', 'octo/app'], { GITHUB_TOKEN: 'not-a-token' });
    expect(overridden).toMatchObject({ code: 1, output: expect.stringContaining('GitHub answered 401') });
  });

  it('doctor: no sandbox on this PATH is the one problem, with its fix (a process of its own: the probe is cached per process)', async () => {
    const r = await issueflow(['doctor', 'octo/app'], { PATH: '/nonexistent', ISSUEFLOW_SANDBOX: 'auto', AGENT: 'custom', AGENT_COMMAND: `${process.execPath} {prompt_file}`, GITHUB_WEBHOOK_SECRET: 'whsec' });
    expect(r.output).toMatch(/^FAIL {2}sandbox: bubblewrap \(bwrap\) is not installed\n {6}fix: apt-get install bubblewrap socat/m);
    expect(r.output.match(/^FAIL/gm)).toHaveLength(1);
    expect(r.code).toBe(1);
  });

  it('lists the new commands in its usage', async () => {
    const help = await issueflow(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['issueflow setup', 'issueflow init OWNER/REPO', 'issueflow labels sync OWNER/REPO', 'issueflow doctor']) expect(help.output).toContain(command);
  });
});
