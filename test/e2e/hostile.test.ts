import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueForm, type E2E, useE2E } from './harness';

jest.setTimeout(240_000);

const ATTACK = join(__dirname, '..', 'support', 'scripted-agent', 'attack.js');
const portOf = (url: string) => new URL(url.includes('://') ? url : `tcp://${url}`).port;

/**
 * The agent and the repo's commands are hostile: from inside the sandbox they try /proc, the data dir,
 * other worktrees, issueflow's PostgreSQL, Temporal, API and the GitHub API on loopback, and plant git
 * config, attributes and hooks that would steer issueflow's push. Nothing is reached, the push goes
 * where it should, and the next issue of the same repo completes.
 */
describe('e2e: a hostile agent and a hostile test command, in the sandbox', () => {
  let e2e: E2E;
  let attackArgs: string;
  let marker: string;

  const outcomes = useE2E('hostile', {}, (started) => {
    e2e = started;
    const dataDir = e2e.env.ISSUEFLOW_DATA_DIR;
    marker = join(dataDir, 'steered-by-the-agent');
    const ports = [portOf(e2e.env.DATABASE_URL), portOf(e2e.env.TEMPORAL_ADDRESS), e2e.env.PORT, portOf(e2e.env.GITHUB_API_URL)];
    expect(ports.every((p) => /^\d+$/.test(p))).toBe(true);
    attackArgs = `--data-dir ${dataDir} --ports ${ports.join(',')} --marker ${marker}`;
    // Another issue's worktree and HOME, with something worth stealing in each.
    for (const kind of ['worktrees', 'homes']) {
      const other = join(dataDir, kind, ...e2e.repo.split('/'), 'issue-999');
      mkdirSync(other, { recursive: true });
      writeFileSync(join(other, 'secret.txt'), 'another issue\'s work\n');
    }
  });

  test('the agent reaches nothing; issueflow commits its report and pushes its edit to the right remote', async () => {
    const issue = await e2e.openIssue({
      author: 'alice',
      title: 'add() subtracts instead of adding',
      body: issueForm({
        description: 'The add function in math.js returns a - b. It must return the sum.',
        acceptanceCriteria: ['`npm test` passes'],
        relevantFiles: ['math.js'],
        context: `agent: attack reached.txt ${attackArgs}\nagent: replace math.js a - b => a + b`,
      }),
    });
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    await e2e.waitForState(issue, 'completed');
    const files = e2e.branchFiles(pr.head);
    expect(files['reached.txt']).toBe('');
    expect(files['.gitattributes']).toBe('* filter=evil');
    expect(files['math.js']).toBe('exports.add = (a, b) => a + b;');
    expect(e2e.branchCommits(pr.head).every((c) => c.author === 'issueflow')).toBe(true);
    expect(existsSync(marker)).toBe(false);
    outcomes.push('agent: nothing reached');
  });

  test("the repo's test command reaches nothing either, and this second issue of the repo completes", async () => {
    const pkg = JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: `node ${ATTACK} --out - ${attackArgs} && node test.js` } });
    const issue = await e2e.openIssue({
      author: 'alice',
      title: 'add() subtracts, again',
      body: issueForm({
        description: 'The add function in math.js returns a - b. It must return the sum.',
        acceptanceCriteria: ['`npm test` passes'],
        relevantFiles: ['math.js', 'package.json'],
        context: `agent: write package.json ${pkg}\nagent: replace math.js a - b => a + b`,
      }),
    });
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    await e2e.waitForState(issue, 'completed');
    const output = (await e2e.runLogs(issue.workflowId)).map((l) => l.chunk).join('');
    const report = /ATTACK-REPORT-BEGIN\n([\s\S]*?)ATTACK-REPORT-END \((\d+) reached\)/.exec(output);
    expect(report).not.toBeNull();
    expect(report![1]).toBe('');
    expect(output).toContain('all tests passed');
    expect(e2e.branchFiles(pr.head)['math.js']).toBe('exports.add = (a, b) => a + b;');
    expect(existsSync(marker)).toBe(false);
    outcomes.push('test command: nothing reached; second issue completed');
  });
});
