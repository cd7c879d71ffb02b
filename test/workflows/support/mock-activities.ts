import { Context } from '@temporalio/activity';
import type { AgentRunInput, AgentRunResult, IssueflowActivities, IssueSnapshot } from '../../../src/activities/types';
import type { PlanComplexity } from '../../../src/domain/plan';
import { DEFAULT_REPO_CONFIG, type RepoConfig } from '../../../src/domain/repo-config';
import type { IssueState } from '../../../src/domain/states';

/** A complete issue written with the agent-task issue form. */
export const FORM_ISSUE: IssueSnapshot = {
  title: 'Make the greeting configurable',
  body: [
    '### Task type',
    'Feature',
    '### Priority',
    'Medium',
    '### Description',
    'The greeting in the header is hard-coded; read it from the settings instead.',
    '### Acceptance criteria',
    '- [ ] The header shows `settings.greeting`',
    '- [ ] A test covers the default greeting',
    '### Relevant files',
    '- `src/header.ts`',
    '### Context',
    '_No response_',
  ].join('\n\n'),
  labels: ['agent'],
  author: 'alice',
  authorTrusted: true,
  state: 'open',
  htmlUrl: 'https://github.com/acme/app/issues/7',
};

export interface Call {
  name: keyof IssueflowActivities;
  args: unknown[];
  /** The task queue the call ran on (GitHub writes have their own). */
  taskQueue: string;
  attempt: number;
  /** Whether it ran as a local activity (in the workflow task, on the workflow's own queue). */
  local: boolean;
}

/** Mocked activities that record every call; tests override what they are about. */
export class MockActivities {
  calls: Call[] = [];
  labels: IssueState[] = [];
  comments = new Map<string, string[]>();
  issue: IssueSnapshot = FORM_ISSUE;
  config: RepoConfig = DEFAULT_REPO_CONFIG;
  /** Plan mode result's plan; questions are asked only when set. */
  plan = { summary: 'Read the greeting from settings.', steps: ['Add settings.greeting', 'Use it in the header'], complexity: 'simple' as PlanComplexity, estimate: '20 min', questions: [] as string[] };
  overrides: Partial<IssueflowActivities> = {};

  named(name: keyof IssueflowActivities): Call[] {
    return this.calls.filter((c) => c.name === name);
  }

  agentRuns(mode: 'plan' | 'implement'): AgentRunInput[] {
    return this.named('runAgent').map((c) => c.args[0] as AgentRunInput).filter((a) => a.mode === mode);
  }

  lastComment(key: string): string | undefined {
    const all = this.comments.get(key);
    return all?.[all.length - 1];
  }

  private defaults: IssueflowActivities = {
    getIssue: async () => this.issue,
    getRepoConfig: async () => ({ config: this.config, problems: [], found: true }),
    findMissingFiles: async () => [],
    getPullRequest: async ({ number }) => ({ number, url: `https://github.com/acme/app/pull/${number}`, state: 'open', merged: false }),
    findPullRequest: async () => null,
    getChecks: async () => [],
    getCheckFailure: async ({ check }) => `Check \`${check.name}\` failed.`,
    rerunFailedJobs: async () => undefined,
    setStateLabel: async ({ state }) => {
      this.labels.push(state);
    },
    upsertComment: async ({ key, body }) => {
      this.comments.set(key, [...(this.comments.get(key) ?? []), body]);
      return { commentId: 1000 + this.comments.size, url: `https://github.com/acme/app/issues/7#issuecomment-${key}` };
    },
    // The label and comments of one step through the same (overridable) calls, as the real activity does.
    publishStatus: async ({ ref, workflowId, state, comments }) => {
      if (state) await (this.overrides.setStateLabel ?? this.defaults.setStateLabel)({ ref, state });
      const out: Record<string, { commentId: number; url: string }> = {};
      for (const { key, body } of comments) out[key] = await (this.overrides.upsertComment ?? this.defaults.upsertComment)({ ref, workflowId, key, body });
      return out;
    },
    ensurePullRequest: async () => ({ number: 101, url: 'https://github.com/acme/app/pull/101', created: true }),
    reactToComment: async () => undefined,
    runAgent: async (input): Promise<AgentRunResult> => ({
      agent: 'claude-code',
      exitCode: 0,
      resultText: 'done',
      ...(input.mode === 'plan' ? { plan: this.plan } : {}),
      costUsd: 0.25,
      outputTail: 'ok',
      durationMs: 1000,
    }),
    prepareWorkspace: async () => ({ baseBranch: 'main', headSha: 'abc' }),
    commitAndPush: async () => ({ committed: true, sha: 'def', filesChanged: ['src/header.ts', 'test/header.test.ts'], pushed: true }),
    updateBranch: async () => ({ outcome: 'merged', baseBranch: 'main', baseSha: 'b45e', sha: 'fed' }),
    runTests: async () => ({ passed: true, exitCode: 0, timedOut: false, durationMs: 4200, outputTail: 'all passed' }),
    cleanupWorkspace: async () => undefined,
    promoteCandidate: async ({ drop }) => ({ pushed: true, deleted: drop }),
    deleteBranches: async ({ branches }) => ({ deleted: branches }),
    notifyEndState: async () => undefined,
  };

  /** The object given to the Workers: every call is recorded, then answered by an override or the default. */
  activities(): IssueflowActivities {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(this.defaults) as Array<keyof IssueflowActivities>) {
      out[name] = async (...args: unknown[]) => {
        const { taskQueue, attempt, isLocal } = Context.current().info;
        this.calls.push({ name, args, taskQueue, attempt, local: isLocal });
        const fn = (this.overrides[name] ?? this.defaults[name]) as (...a: unknown[]) => Promise<unknown>;
        return fn(...args);
      };
    }
    return out as unknown as IssueflowActivities;
  }
}

/** An agent run that heartbeats until it is cancelled, like a real long agent run. */
export async function runUntilCancelled(): Promise<never> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep(50);
  }
}
