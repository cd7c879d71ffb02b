import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { issueForm, startE2E, type E2E, type E2EIssue } from '../harness';
import type { IssueflowProcess } from '../harness/processes';
import { installPushHook } from '../harness/push-hook';

jest.setTimeout(600_000);

const ISSUES = 20;
const HOSTS = 3;
const FIX = 'agent: replace math.js a - b => a + b';
/** Long enough to be caught; each pause happens once (flag file), so the round that moved runs straight through. */
const PAUSE_MS = 60_000;
const END_MS = 420_000;

const E = temporal.api.enums.v1.EventType;
/** The steps that need the round's worktree: they must all run where the round's prepare ran. */
const WORKSPACE_STEPS = new Set(['prepareWorkspace', 'runAgent', 'commitAndPush', 'runTests', 'updateBranch', 'cleanupWorkspace']);
type Step = { type: string; identity: string; at: number };
const ms = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

/** The workspace steps that started, grouped by round (a round begins with a prepare), with the worker identity that ran each. */
function roundsOf(history: temporal.api.history.v1.IHistory): { rounds: Step[][]; timedOut: Array<{ type: string; at: number }> } {
  const scheduled = new Map<string, string>();
  const rounds: Step[][] = [];
  const timedOut: Array<{ type: string; at: number }> = [];
  for (const ev of history.events ?? []) {
    if (ev.eventType === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const type = ev.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
      scheduled.set(String(ev.eventId), type);
      if (type === 'prepareWorkspace') rounds.push([]);
    } else if (ev.eventType === E.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const type = scheduled.get(String(ev.activityTaskStartedEventAttributes?.scheduledEventId)) ?? '';
      if (!WORKSPACE_STEPS.has(type)) continue;
      if (!rounds.length) throw new Error(`${type} started before any prepare`);
      rounds[rounds.length - 1].push({ type, identity: ev.activityTaskStartedEventAttributes?.identity ?? '', at: ms(ev.eventTime) });
    } else if (ev.eventType === E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
      timedOut.push({ type: scheduled.get(String(ev.activityTaskTimedOutEventAttributes?.scheduledEventId)) ?? '', at: ms(ev.eventTime) });
    }
  }
  return { rounds, timedOut };
}

/**
 * The API and three `issueflow worker` processes, each with a data dir of its own as if on a host of its
 * own, on one Temporal and one PostgreSQL: 20 issues; one worker is SIGKILLed while an agent runs, another
 * while it pushes (neither comes back). Every issue completes with its diff, once, and each round's
 * workspace steps ran on one worker.
 */
describe('e2e slow: multi-host', () => {
  let e2e: E2E;
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-multi-host-'));
  const flag = (name: string) => join(dir, name);
  const kills: Array<{ step: string; at: number; worker: number }> = [];
  let recovery = '';
  let outcome = 'did not finish';

  beforeAll(async () => {
    e2e = await startE2E({
      hosts: HOSTS,
      echoOwnWrites: true,
      // The sandboxed agents write their flag files into `dir`, which the suite watches. Two agent slots a
      // worker: runs wait for a slot on their host, and those on a killed worker must move too.
      env: { AGENT_CONCURRENCY: '2', SANDBOX_WRITABLE: dir },
    });
    installPushHook(e2e.bare.bareDir, dir, PAUSE_MS);
  });

  afterEach(() => {
    e2e.standin.assertNoViolations();
  });

  afterAll(async () => {
    const took = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(`[e2e] multi-host: ${e2e?.counts().issues ?? 0} issues on ${HOSTS} workers, ${kills.length} worker kills (${kills.map((k) => k.step).join(', ')}), 0 restarts; ${recovery}; ${outcome} in ${took}s`);
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The worker process running `activity` of the issue now (from the workflow's pending activities). */
  function workerRunning(issue: E2EIssue, activity: string): Promise<IssueflowProcess> {
    return e2e.waitFor(`the worker running ${activity} of ${issue.workflowId}`, async () => {
      const { raw } = await e2e.client.workflow.getHandle(issue.workflowId).describe();
      const pending = (raw.pendingActivities ?? []).find((a) => a.activityType?.name === activity && a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      const pid = Number((pending?.lastWorkerIdentity ?? '').split('@')[0]);
      return e2e.workers.find((w) => w.pid === pid);
    });
  }

  async function killWhile(step: string, issue: E2EIssue, activity: string): Promise<void> {
    const worker = await workerRunning(issue, activity);
    kills.push({ step, at: Date.now(), worker: e2e.workers.indexOf(worker) });
    await worker.kill('SIGKILL');
  }

  test(`${ISSUES} issues on ${HOSTS} workers; one SIGKILLed during an agent run, another during a push: every issue completes once, each round on one worker`, async () => {
    const form = (i: number, extra = '') =>
      issueForm({
        description: 'The add function in math.js subtracts; it must return the sum.',
        acceptanceCriteria: ['`npm test` passes'],
        relevantFiles: ['math.js'],
        context: `${FIX}\nagent: write hosts/issue-${i}.txt written for issue ${i}${extra}`,
      });
    // One worker is killed while an agent runs, then an issue opened after it is killed while it pushes, so
    // that its round runs on another worker; the other issues are under way on all three meanwhile.
    const agentKilled = await e2e.openIssue({ title: 'Fix add 1 [kill during the agent]', body: form(1, `\nagent: pause implement ${PAUSE_MS} ${flag('agent.flag')}`) });
    const others = await Promise.all(Array.from({ length: ISSUES - 2 }, (_, i) => e2e.openIssue({ title: `Fix add ${i + 3}`, body: form(i + 3) })));
    await e2e.waitFor('the implement run paused', () => existsSync(flag('agent.flag')), 180_000);
    await killWhile('agent', agentKilled, 'runAgent');
    const pushKilled = await e2e.openIssue({ title: 'Fix add 2 [kill during the push]', body: form(2) });
    writeFileSync(flag(`push-${pushKilled.number}.want`), '');
    // The push waits PAUSE_MS in the hook: the kill comes well within the push step's 1-minute heartbeat time-out.
    await e2e.waitFor('the push paused', () => existsSync(flag(`push-${pushKilled.number}.flag`)), 180_000);
    await killWhile('push', pushKilled, 'commitAndPush');
    expect(new Set(kills.map((k) => k.worker)).size).toBe(2);
    const issues = [agentKilled, pushKilled, ...others];
    expect(e2e.webhooks.failures).toEqual([]);

    for (const issue of issues) {
      await e2e.waitForState(issue, 'completed', END_MS - (Date.now() - startedAt));
      await e2e.waitForLabel(issue, 'agent:completed');
      await e2e.waitForComment(issue, 'summary');
    }

    // Every issue: one PR with its own change and the fix, no comment twice (by marker key).
    issues.forEach((issue, i) => {
      const prs = e2e.pullRequests().filter((p) => p.head === `issueflow/issue-${issue.number}`);
      expect(prs).toHaveLength(1);
      const files = e2e.branchFiles(prs[0].head);
      expect(files['math.js']).toBe('exports.add = (a, b) => a + b;');
      expect(files[`hosts/issue-${i + 1}.txt`]).toBe(`written for issue ${i + 1}`);
      const keys = e2e.comments(issue).filter((c) => c.author === 'issueflow-bot').map((c) => c.key ?? '(no marker)');
      expect(keys.filter((k, j) => keys.indexOf(k) !== j)).toEqual([]);
    });

    // The histories: each round's workspace steps on one worker identity; the two killed rounds moved.
    const identities = new Set<string>();
    const moved: string[] = [];
    for (const issue of issues) {
      const { rounds, timedOut } = roundsOf(await e2e.client.workflow.getHandle(issue.workflowId).fetchHistory());
      for (const round of rounds) {
        expect({ issue: issue.workflowId, identities: [...new Set(round.map((s) => s.identity))] }).toEqual({ issue: issue.workflowId, identities: [round[0].identity] });
        identities.add(round[0].identity);
      }
      const kill = issue === agentKilled ? kills[0] : issue === pushKilled ? kills[1] : undefined;
      if (!kill) continue;
      expect(new Set(rounds.map((r) => r[0].identity)).size).toBeGreaterThan(1);
      const resumed = rounds.find((r) => r[0].at > kill.at)!;
      const lost = timedOut.find((t) => t.at > kill.at)!;
      moved.push(`${kill.step}: lost after ${((lost.at - kill.at) / 1000).toFixed(1)}s (${lost.type} timed out), round resumed on another worker after ${((resumed[0].at - kill.at) / 1000).toFixed(1)}s`);
    }
    recovery = `recovery after a kill: ${moved.join('; ')}`;
    console.log(recovery);
    expect(moved).toHaveLength(2);
    expect(identities.size).toBe(HOSTS);
    outcome = `all ${ISSUES} issues completed with one PR each`;
  });
});
