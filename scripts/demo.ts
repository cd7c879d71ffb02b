// `npm run demo` (`npm run demo -- --keep` to stay up for the Temporal UI until Ctrl-C).
// issueflow on its embedded defaults (Temporal dev server + Web UI, PostgreSQL) against a GitHub
// stand-in, a local bare git repo and a scripted agent: no accounts, nothing leaves this machine.
// Optional: ISSUEFLOW_DEMO_DIR (default ./.issueflow-demo), PORT, TEMPORAL_UI_PORT,
// TEMPORAL_DEV_SERVER_PORT, ISSUEFLOW_EMBEDDED_PG_PORT, TEMPORAL_CLI_PATH.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { IssueStatus } from '../src/domain/status';
import { issueBranch, issueWorkflowId } from '../src/domain/ids';
import { temporalWorkflowUrl } from '../src/domain/status-comment';
import { issueForm } from '../test/e2e/harness/issue-form';
import { buildIfStale } from '../test/e2e/harness/processes';
import { block, Narrator, say } from './demo/narrator';
import { choosePorts, IssueflowService } from './demo/service';
import { AUTHOR, DEMO_REPO, DemoWorld } from './demo/world';

const ROOT = resolve(__dirname, '..');
const MARKER = '.issueflow-demo';

/** The demo's folder, emptied: it holds the previous run's data (only a folder the demo made is emptied). */
function freshDemoDir(): string {
  const dir = resolve(ROOT, process.env.ISSUEFLOW_DEMO_DIR ?? '.issueflow-demo');
  if (existsSync(dir) && readdirSync(dir).length && !existsSync(join(dir, MARKER))) {
    throw new Error(`${dir} is not empty and was not made by the demo; set ISSUEFLOW_DEMO_DIR to another folder.`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'Made by `npm run demo`; emptied at its next run.\n');
  return dir;
}

async function main(keep: boolean, onStarted: (stop: () => Promise<void>, kill: () => void) => void): Promise<void> {
  const ports = await choosePorts();
  const dir = freshDemoDir();
  const shown = relative(process.cwd(), dir) || '.';
  const t0 = Date.now();
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) say('compiling issueflow (src/ → dist/), once: ~20 s');
  buildIfStale();
  if (Date.now() - t0 > 1000) say(`compiled issueflow in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  const world = new DemoWorld(dir);
  await world.start();
  const service = new IssueflowService(
    { ...world.issueflowEnv(), ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), ISSUEFLOW_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '5' },
    join(dir, 'issueflow.log'),
  );
  onStarted(async () => {
    const code = await service.stop();
    await world.stop();
    say(`stopped issueflow (exit ${code}), its Temporal dev server and PostgreSQL, and the GitHub stand-in`);
  }, () => service.kill());
  const apiUrl = `http://localhost:${ports.PORT}`;
  const uiUrl = `http://localhost:${ports.TEMPORAL_UI_PORT}`;
  say(`starting issueflow on its embedded defaults (\`issueflow start\`; data in ${shown}/data, its log in ${shown}/issueflow.log)\n` +
    `  GitHub:  a stand-in at ${world.githubUrl} holding ${DEMO_REPO}\n` +
    `  git:     ${relative(process.cwd(), world.bareDir)} (bare; its \`npm test\` fails: add() subtracts)\n` +
    '  agent:   the scripted agent (AGENT=custom), which follows `agent: …` lines in the issue');
  await service.waitUntilReady(apiUrl);
  say(`issueflow is ready: API ${apiUrl}, Temporal UI ${uiUrl}`);

  const issue = world.standin.openIssue(DEMO_REPO, {
    author: AUTHOR,
    title: 'add() returns the wrong result',
    labels: ['agent'],
    body: issueForm({
      description: '`add(2, 3)` in math.js returns -1: it subtracts its arguments instead of adding them.',
      context: 'Where a real agent would read the code, the demo tells its scripted agent what to do:\nagent: replace math.js a - b => a + b',
    }),
  });
  const workflowId = issueWorkflowId({ owner: DEMO_REPO.split('/')[0], repo: DEMO_REPO.split('/')[1], issueNumber: issue.number });
  say(`📝 ${AUTHOR} opens issue #${issue.number} "${issue.title}", labelled \`agent\`, with no acceptance criteria:\n${block(issue.body)}\n` +
    `👀 watch its workflow in the Temporal UI: ${temporalWorkflowUrl({ temporalUiUrl: uiUrl }, workflowId)}`);
  await world.deliver(apiUrl, 'issues.opened', { number: issue.number });
  await world.deliver(apiUrl, 'issues.labeled', { number: issue.number, label: 'agent' });

  const narrator = new Narrator(world, issue.number, apiUrl, workflowId);
  await narrator.until('issueflow to ask a question', (s) => (s?.state === 'awaiting-feedback' && narrator.saw('question') ? true : undefined));
  const answer = '### Acceptance criteria\n\n- `add(2, 3)` returns 5\n- `npm test` passes';
  const comment = world.standin.addComment(DEMO_REPO, issue.number, { author: AUTHOR, body: answer });
  say(`💬 ${AUTHOR} answers:\n${block(answer)}`);
  await world.deliver(apiUrl, 'issue_comment.created', { number: issue.number, commentId: comment.id });

  const pr = await narrator.until('the pull request', (s) => s?.pullRequest);
  const branch = issueBranch(issue.number);
  say(`🔀 issueflow opened PR #${pr.number}: ${pr.url} (the stand-in's link)\n   ${branch} → main, from the bare repo ${relative(process.cwd(), world.bareDir)}:\n${block(world.branchDiff(branch), 60)}`);
  // The label and the summary are written beside the state change, so they can land a moment after it.
  const settled = (s: IssueStatus | undefined) =>
    s?.state === 'completed' && world.standin.labelsOf(DEMO_REPO, issue.number).includes('agent:completed') && narrator.saw('summary') ? s : undefined;
  await narrator.until('the workflow to settle', settled);
  await narrator.tick(); // narrate what arrived between the last look and the check
  const took = ((Date.now() - t0) / 1000).toFixed(0);
  say(`✅ done in ${took} s: issue → question → answer → analysis → edit → tests pass → PR #${pr.number}. ` +
    'The workflow stays open, waiting for reviews or the merge.');
  if (keep) {
    say(`--keep: everything stays up. Browse ${temporalWorkflowUrl({ temporalUiUrl: uiUrl }, workflowId)}\n` +
      `  or the jobs API: curl -H 'authorization: Bearer ${world.apiToken}' ${apiUrl}/jobs\n` + '  Ctrl-C to stop.');
    await new Promise<never>(() => undefined);
  }
}

let stopEverything: (() => Promise<void>) | undefined;
let killEverything: (() => void) | undefined;
let stopping = false;
async function finish(code: number): Promise<never> {
  stopping = true;
  await stopEverything?.().catch((error: Error) => console.error(`demo: stopping failed: ${error.message}`));
  process.exit(code);
}

const keep = process.argv.includes('--keep');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      killEverything?.();
      process.exit(130);
    }
    say(`${signal}: stopping everything (again to force)`);
    void finish(keep ? 0 : 130);
  });
}
main(keep, (stop, kill) => {
  stopEverything = stop;
  killEverything = kill;
}).then(
  () => finish(0),
  (error: Error) => {
    console.error(`\ndemo failed: ${error.message}`);
    return finish(1);
  },
);
