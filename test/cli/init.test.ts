import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INIT_BRANCH, ISSUE_FORM_PATH, runInitCommand } from '../../src/cli/init';
import { loadConfig } from '../../src/config';
import { repoLabels } from '../../src/domain/labels';
import { DEFAULT_REPO_CONFIG, validateRepoConfig } from '../../src/domain/repo-config';
import { GithubStandin } from '../support/github-standin';

let standin: GithubStandin;
let apiUrl: string;
beforeAll(async () => {
  standin = new GithubStandin();
  apiUrl = await standin.start();
});
afterAll(async () => standin?.stop());
afterEach(() => standin.assertNoViolations());

const template = (name: string) => readFileSync(join(__dirname, '..', '..', 'templates', name), 'utf8');

async function run(command: 'init' | 'labels', argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const config = loadConfig({ GITHUB_API_URL: apiUrl, GITHUB_TOKEN: 'standin-token', ...env });
  const from = standin.requests.length;
  const code = await runInitCommand(command, argv, config, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const writes = standin.requests.slice(from).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  return { code, out: out.join('\n'), err: err.join('\n'), writes };
}

describe('issueflow init', () => {
  it('creates the labels and opens a PR with the issue form and the settings; a second run changes nothing', async () => {
    standin.createRepo('octo/app', { branches: [] });
    standin.openIssue('octo/app', { title: 'old', labels: ['agent:failed'] }); // an old label with GitHub's default look

    const first = await run('init', ['octo/app']);
    expect(first).toMatchObject({ code: 0, err: '' });
    const labels = standin.repoLabels('octo/app');
    for (const want of repoLabels('agent')) expect(labels).toContainEqual(expect.objectContaining(want));
    expect(first.out).toContain('updated the label agent:failed');
    expect(first.out).toContain('created the label agent:queued');
    const [pr] = standin.pullRequests('octo/app');
    expect(pr).toMatchObject({ head: INIT_BRANCH, base: 'main', state: 'open' });
    const branch = standin.repoOf('octo/app').branchFiles.get(INIT_BRANCH)!;
    expect(branch.get(ISSUE_FORM_PATH)).toBe(template('agent-task.yml'));
    expect(branch.get('.github/issueflow.yml')).toBe(template('issueflow.yml'));

    const second = await run('init', ['octo/app']);
    expect(second).toMatchObject({ code: 0, out: 'octo/app: nothing to change, everything is in place.', writes: [] });
    expect(standin.pullRequests('octo/app')).toHaveLength(1);
  });

  it('once merged, keeps the form in step but never overwrites the repository\'s own settings', async () => {
    standin.createRepo('octo/merged', { files: { '.github/issueflow.yml': 'approval: never\n', [ISSUE_FORM_PATH]: template('agent-task.yml') } });
    await run('labels', ['sync', 'octo/merged']);
    expect(await run('init', ['octo/merged'])).toMatchObject({ code: 0, writes: [], out: expect.stringContaining('nothing to change') });

    standin.putFile('octo/merged', ISSUE_FORM_PATH, 'name: an older form\n');
    const r = await run('init', ['octo/merged']);
    expect(r.writes).toEqual(['POST /repos/octo/merged/git/refs', `PUT /repos/octo/merged/contents/${encodeURIComponent(ISSUE_FORM_PATH)}`, 'POST /repos/octo/merged/pulls']);
    expect(standin.repoOf('octo/merged').branchFiles.get(INIT_BRANCH)!.get('.github/issueflow.yml')).toBe('approval: never\n');
  });

  it('labels sync does the labels alone, with the configured trigger label', async () => {
    standin.createRepo('octo/labels');
    const r = await run('labels', ['sync', 'octo/labels'], { TRIGGER_LABEL: 'robot' });
    expect(r.code).toBe(0);
    expect(r.writes.every((w) => w === 'POST /repos/octo/labels/labels')).toBe(true);
    expect(r.writes).toHaveLength(repoLabels('robot').length);
    expect(standin.repoLabels('octo/labels').map((l) => l.name)).toContain('robot');
    expect(standin.pullRequests('octo/labels')).toEqual([]);
    expect(await run('labels', ['sync', 'octo/labels'], { TRIGGER_LABEL: 'robot' })).toMatchObject({ writes: [], out: expect.stringContaining('nothing to change') });
  });

  it("the form labels its issues with the service's TRIGGER_LABEL", async () => {
    expect(template('agent-task.yml')).toMatch(/^labels: \["agent"\]$/m);
    standin.createRepo('octo/robot');
    expect((await run('init', ['octo/robot'], { TRIGGER_LABEL: 'robot' })).code).toBe(0);
    const form = standin.repoOf('octo/robot').branchFiles.get(INIT_BRANCH)!.get(ISSUE_FORM_PATH)!;
    expect(form).toMatch(/^labels: \["robot"\]$/m);
    expect(form.replace('["robot"]', '["agent"]')).toBe(template('agent-task.yml'));
  });

  it('says what is wrong: usage, unknown repository', async () => {
    expect(await run('init', [])).toMatchObject({ code: 2, err: expect.stringContaining('OWNER/REPO') });
    expect(await run('labels', ['list', 'octo/app'])).toMatchObject({ code: 2, err: expect.stringContaining('subcommand is sync') });
    expect(await run('init', ['octo/nope'])).toMatchObject({ code: 1, err: expect.stringContaining('404') });
  });
});

describe('templates/issueflow.yml', () => {
  it('says the defaults: as shipped it gives them, and every commented key is valid and equal to them', () => {
    const text = template('issueflow.yml');
    expect(validateRepoConfig(parse(text))).toEqual({ config: DEFAULT_REPO_CONFIG, problems: [] });
    const uncommented = text.replace(/^# ([a-z]\w*:.*)$/gm, '$1').replace(/^# ( {2}\w+:.*)$/gm, '$1');
    const { config, problems } = validateRepoConfig(parse(uncommented));
    expect(problems).toEqual([]);
    const { setupCommand: _s, agent: _a, ci, budget, candidates, agents, candidateRule, ...rest } = config;
    const { setupCommand: _ds, agent: _da, ci: _dci, ...defaults } = DEFAULT_REPO_CONFIG;
    expect(rest).toEqual(defaults);
    expect(ci).toEqual({ wait: true, maxFixAttempts: 2, ignore: [], timeoutMinutes: 60 });
    expect(budget).toEqual({ usd: 5, agentMinutes: 120 });
    // Candidates are off unless asked for: the example asks for two, and names the default rule.
    expect({ candidates, agents, candidateRule }).toEqual({ candidates: 2, agents: ['claude-code', 'codex'], candidateRule: 'smallest-diff' });
  });
});
