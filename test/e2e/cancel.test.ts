import { readdirSync, readFileSync } from 'node:fs';
import { processAlive } from '../support/scripted-agent';
import { issueForm, type E2E, useE2E } from './harness';

jest.setTimeout(180_000);

/** The host pid of the agent process working on `issue` in implement mode (sandboxed or not, the host sees it). */
function agentPid(issue: number): number | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // The node process itself, not a sandbox's launcher (bwrap, sh) that mentions it too.
      const agent = /node$/.test(args[0]) && args[1]?.endsWith('scripted-agent.js');
      if (agent && args.includes('implement') && args.some((a) => a.includes(`/issue-${issue}/`))) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** Closing an issue while its agent thinks silently: the agent dies at once, and only then does the clean-up push. */
describe('e2e: cancel during a silent agent', () => {
  let e2e: E2E;
  const outcomes = useE2E('cancel', {}, (started) => {
    e2e = started;
  });

  test('the agent is dead within 2 s of the close webhook; the clean-up (commit and push, the cancelled label) began after it died', async () => {
    const issue = await e2e.openIssue({
      title: 'Think hard about add()',
      // Implement mode: write a file, then think for 10 minutes printing nothing.
      body: issueForm({ description: 'Make add() return the sum.', acceptanceCriteria: ['add(2, 3) returns 5'], context: 'agent: write NOTES.md first thoughts\nagent: pause implement 600000 .thinking' }),
    });
    await e2e.waitForState(issue, 'implementing');
    const pid = await e2e.waitFor('the agent at work', () => agentPid(issue.number), 60_000);
    // Silent for a while: no output for 3 s before the close (its idle limit is minutes).
    await new Promise((r) => setTimeout(r, 3000));
    expect(processAlive(pid)).toBe(true);

    const closedAt = Date.now();
    const closed = await e2e.closeIssue(issue, 'alice', 'not_planned');
    expect(closed.responses[0]).toMatchObject({ status: 202, body: { outcome: 'cancel-requested' } });
    while (processAlive(pid) && Date.now() - closedAt < 10_000) await new Promise((r) => setTimeout(r, 5));
    const deadAt = Date.now();
    const deadAfter = deadAt - closedAt;

    await expect(e2e.waitForEnd(issue)).rejects.toThrow(/cancelled/);
    await e2e.waitForLabel(issue, 'agent:cancelled');
    const events = (await e2e.client.workflow.getHandle(issue.workflowId).fetchHistory()).events ?? [];
    const scheduledAt = (type: string) => ms(events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type && ms(e.eventTime) >= closedAt)?.eventTime);
    const cleanupAt = scheduledAt('commitAndPush');
    // The label is written alone (setStateLabel) or beside the status comment (publishStatus, coalesced status writes).
    const labelAt = scheduledAt('setStateLabel') || scheduledAt('publishStatus');
    // The work of the cancelled round was pushed.
    expect(e2e.branchFiles(`issueflow/issue-${issue.number}`)['NOTES.md']).toBe('first thoughts');

    console.log(`[cancel] agent dead ${deadAfter} ms after the close webhook; clean-up (commitAndPush scheduled) ${cleanupAt - deadAt} ms after its death, cancelled label ${labelAt - deadAt} ms after`);
    expect(deadAfter).toBeLessThan(2000);
    // `deadAt` is when this test saw it gone (polled every 5 ms), so at or after the death itself.
    expect(cleanupAt).toBeGreaterThanOrEqual(deadAt);
    expect(labelAt).toBeGreaterThanOrEqual(deadAt);
    outcomes.push(`agent dead after ${deadAfter} ms, clean-up ${cleanupAt - deadAt} ms later`);
  });
});
