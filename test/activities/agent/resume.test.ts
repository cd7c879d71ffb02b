import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homePath } from '../../../src/activities/workspace/paths';
import type { TestDatabase } from '../../support/database';
import { SCRIPTED_AGENT_BIN_DIR, SCRIPTED_AGENT_PATH } from '../../support/scripted-agent';
import { activityEnv, ref, useAgentFixture, type AgentFixture } from '../../support/scripted-agent/fixture';
import type { AgentHeartbeat } from '../../../src/activities/agent/session';

/** What the scripted agent's `record-session` wrote: one line per run. */
type Record = { session: string; resumed: string | null; mode: string; run: number };

describe('runAgent continues a session', () => {
  let fx: AgentFixture;
  let n = 0;
  useAgentFixture((suite: { db: TestDatabase; fx: AgentFixture }) => ({ fx } = suite));

  /** A fresh record file in the HOME (which a sandboxed agent sees) and the prompt line that makes every run append to it. */
  const recorder = () => {
    const home = homePath(fx.dataDir, ref);
    mkdirSync(home, { recursive: true });
    const file = join(home, `sessions-${++n}.jsonl`);
    return { line: `agent: record-session ${file}`, read: (): Record[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record) };
  };

  test('a cold run returns the session id it printed and heartbeats it; the next round continues it with the short prompt only', async () => {
    const rec = recorder();
    const first = activityEnv();
    const cold = await first.run(fx.agent().runAgent, fx.input(`Fix it\n${rec.line}`));
    expect(cold.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cold.resumed).toBeUndefined();
    expect(first.heartbeats).toContainEqual(expect.objectContaining({ session: { agent: 'custom', id: cold.sessionId } }));

    const short = `The tests failed: fix them\n${rec.line}`;
    const input = fx.input(`The whole prompt again\n${rec.line}`, { step: 'implement-2', resume: { agent: 'custom', sessionId: cold.sessionId!, prompt: short } });
    const warm = await activityEnv().run(fx.agent().runAgent, input);
    expect(warm).toMatchObject({ resumed: true, sessionId: expect.any(String) });
    expect(warm.sessionId).not.toBe(cold.sessionId);
    expect(rec.read()).toEqual([
      { session: cold.sessionId, resumed: null, mode: 'implement', run: 1 },
      { session: warm.sessionId, resumed: cold.sessionId, mode: 'implement', run: 2 },
    ]);
    // The short prompt went to the session (the scripted agent counts the prompt's characters as input tokens).
    expect(warm.tokens?.input).toBe(short.length);
  });

  test("a retried attempt (a lost worker) continues its own attempt's session from the heartbeat details", async () => {
    const rec = recorder();
    const lost = await activityEnv().run(fx.agent().runAgent, fx.input(`Round one\n${rec.line}`));
    const details: AgentHeartbeat = { bytes: 120, lastLine: '{"type":"assistant"}', session: { agent: 'custom', id: lost.sessionId! } };
    const retried = await activityEnv(undefined, { attempt: 2, heartbeatDetails: details }).run(fx.agent().runAgent, fx.input(`Round one\n${rec.line}`));
    expect(retried.resumed).toBe(true);
    expect(rec.read()[1]).toMatchObject({ session: retried.sessionId, resumed: lost.sessionId });
  });

  test("another preset's session, or heartbeat details of another shape, are not continued", async () => {
    const rec = recorder();
    const other = { agent: 'codex', sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53', prompt: `short\n${rec.line}` };
    const r1 = await activityEnv(undefined, { heartbeatDetails: { bytes: 1, lastLine: '', session: { agent: 'custom', id: '--help' } } }).run(fx.agent().runAgent, fx.input(`Cold\n${rec.line}`, { resume: other }));
    expect(r1.resumed).toBeUndefined();
    expect(rec.read()).toEqual([{ session: r1.sessionId, resumed: null, mode: 'implement', run: 1 }]);
  });

  test('a session the CLI does not know (a new HOME, a cleaned-up issue) starts cold in the same activity, with the whole prompt', async () => {
    const rec = recorder();
    const full = `The whole prompt\n${rec.line}`;
    const r = await activityEnv().run(fx.agent().runAgent, fx.input(full, { resume: { agent: 'custom', sessionId: 'gone-1', prompt: `short\n${rec.line}` } }));
    expect(r).toMatchObject({ exitCode: 0, sessionId: expect.any(String) });
    expect(r.resumed).toBeUndefined();
    expect(r.tokens?.input).toBe(full.length);
    expect(rec.read()).toEqual([{ session: r.sessionId, resumed: null, mode: 'implement', run: 1 }]);
  });

  test('a custom agent whose command does not take {session_id} is never continued: it gets the whole prompt', async () => {
    const rec = recorder();
    const agent = fx.agent({ AGENT_COMMAND: `node "${SCRIPTED_AGENT_PATH}" --prompt-file {prompt_file} --mode {mode} --workdir {workdir}` });
    const full = `The whole prompt\n${rec.line}`;
    const r = await activityEnv().run(agent.runAgent, fx.input(full, { resume: { agent: 'custom', sessionId: 'some-session', prompt: `short\n${rec.line}` } }));
    expect(r.sessionId).toBeUndefined();
    expect(r.resumed).toBeUndefined();
    expect(r.tokens?.input).toBe(full.length);
    expect(rec.read()).toEqual([{ session: expect.any(String), resumed: null, mode: 'implement', run: 1 }]);
  });

  test('the claude-code preset continues with `claude -p --resume <id>`', async () => {
    const rec = recorder();
    const agent = fx.agent({ AGENT: 'claude-code' }, { env: { ...process.env, PATH: `${SCRIPTED_AGENT_BIN_DIR}:${process.env.PATH}` } });
    const cold = await activityEnv().run(agent.runAgent, fx.input(`Fix it\n${rec.line}`));
    expect(cold).toMatchObject({ costUsd: 0.0123, sessionCostUsd: 0.0123 });
    const resume = { agent: 'claude-code', sessionId: cold.sessionId!, prompt: `again\n${rec.line}`, sessionCostUsd: cold.sessionCostUsd };
    const warm = await activityEnv().run(agent.runAgent, fx.input(`Fix it\n${rec.line}`, { resume }));
    expect(warm.resumed).toBe(true);
    // Claude Code reports the session's cost: the run's own is what it added, so the budget counts each run once.
    expect(warm).toMatchObject({ costUsd: 0.0123, sessionCostUsd: 0.0246 });
    expect(rec.read().map((r) => r.resumed)).toEqual([null, cold.sessionId]);
  });
});
