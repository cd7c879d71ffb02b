import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GithubStandin, sendWebhook, type WebhookEvent, type WebhookInput } from '../../test/support/github-standin';
import { branchSha, git, nodeProjectFiles } from '../../test/support/git-repos';
import { scriptedAgentCommand } from '../../test/support/scripted-agent';

/** The demo's one repository, its author and issueflow's login in the GitHub stand-in. */
export const DEMO_REPO = 'acme/calculator';
export const AUTHOR = 'alice';
export const BOT_LOGIN = 'issueflow-bot';

/** `.github/issueflow.yml` of the demo repo: run `npm test`, no plan approval, short time-outs. */
const REPO_CONFIG = ['testCommand: npm test', 'approval: never', 'maxFixAttempts: 1', 'timeouts:', '  agentMinutes: 2', '  testMinutes: 1', ''].join('\n');

/**
 * Everything issueflow talks to in the demo, on this machine: the GitHub stand-in holding the repo, the
 * same project in a real bare git repo (`<dir>/git/acme/calculator.git`), and the scripted agent.
 */
export class DemoWorld {
  readonly standin: GithubStandin;
  readonly bareDir: string;
  private readonly gitRoot: string;
  private readonly secrets = {
    githubToken: `demo-gh-${randomBytes(12).toString('hex')}`,
    webhookSecret: `demo-whsec-${randomBytes(12).toString('hex')}`,
    apiToken: `demo-api-${randomBytes(12).toString('hex')}`,
  };
  githubUrl = '';

  constructor(dir: string) {
    const [owner, name] = DEMO_REPO.split('/');
    this.gitRoot = join(dir, 'git');
    this.bareDir = join(this.gitRoot, owner, `${name}.git`);
    this.standin = new GithubStandin({
      tokens: { [this.secrets.githubToken]: BOT_LOGIN },
      // The stand-in asks the bare repo issueflow pushes to, as GitHub knows its own branches.
      branchExists: (repo, branch) => repo.toLowerCase() === DEMO_REPO && branchSha(this.bareDir, branch) !== undefined,
      hasCommitsBetween: (_repo, base, head) => git(['rev-list', '--count', `${base}..${head}`], this.bareDir) !== '0',
    });
  }

  get apiToken(): string {
    return this.secrets.apiToken;
  }

  /** Seeds the bare repo (tests fail: math.js subtracts), starts the stand-in with the same files. */
  async start(): Promise<void> {
    const files = { ...nodeProjectFiles(false), '.github/issueflow.yml': REPO_CONFIG };
    seedBareRepo(this.bareDir, files);
    this.githubUrl = await this.standin.start();
    this.standin.createRepo(DEMO_REPO, { files });
    this.standin.setPermission(DEMO_REPO, AUTHOR, 'write');
  }

  /** The environment of `issueflow start` that points it at this world (ports and data dir come from the caller). */
  issueflowEnv(): Record<string, string> {
    return {
      GITHUB_API_URL: this.githubUrl,
      GITHUB_TOKEN: this.secrets.githubToken,
      GITHUB_WEBHOOK_SECRET: this.secrets.webhookSecret,
      GIT_CLONE_URL: `${pathToFileURL(this.gitRoot).href}/{owner}/{repo}.git`,
      AGENT: 'custom',
      AGENT_COMMAND: scriptedAgentCommand(),
      ISSUEFLOW_API_TOKEN: this.secrets.apiToken,
    };
  }

  /** Signs and POSTs a webhook to issueflow, as GitHub would; throws unless it is accepted. */
  async deliver(issueflowUrl: string, event: WebhookEvent, input: Omit<WebhookInput, 'repo'>): Promise<void> {
    const res = await sendWebhook(`${issueflowUrl}/webhooks/github`, this.standin, event, { repo: DEMO_REPO, ...input }, this.secrets.webhookSecret);
    if (res.status !== 202) throw new Error(`issueflow answered ${res.status} to ${event}: ${res.responseBody}`);
  }

  /** `git diff` of a branch against main in the bare repo, with its commits. */
  branchDiff(branch: string): string {
    const log = git(['log', '--format=commit %h  %an  %s', `main..${branch}`], this.bareDir);
    return `${log}\n${git(['diff', '--stat', '--patch', `main...${branch}`], this.bareDir)}`;
  }

  async stop(): Promise<void> {
    await this.standin.stop();
  }
}

function seedBareRepo(bareDir: string, files: Record<string, string>): void {
  mkdirSync(dirname(bareDir), { recursive: true });
  git(['init', '--quiet', '--bare', '--initial-branch=main', bareDir]);
  const work = `${bareDir}.seed`;
  git(['init', '--quiet', '--initial-branch=main', work]);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(['add', '-A'], work);
  git(['commit', '--quiet', '-m', 'A tiny calculator whose test fails'], work);
  git(['push', '--quiet', bareDir, 'main'], work);
  rmSync(work, { recursive: true, force: true });
}
