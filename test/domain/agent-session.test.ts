import { heartbeatSession, isSessionId } from '../../src/domain/agent-session';

test('a session id is a short word that cannot pass for an option', () => {
  expect(['0b6c5e2a-9f1d-4c3e-8a77-2f0e1d9c4b10', 's1', 'a.b:c_d'].map(isSessionId)).toEqual([true, true, true]);
  expect(['', '-x', '--help', 'a b', 'x'.repeat(129), 42, null].map(isSessionId)).toEqual([false, false, false, false, false, false, false]);
});

test("an agent run's heartbeat details name its session only in the runner's shape", () => {
  expect(heartbeatSession({ bytes: 1, lastLine: '', session: { agent: 'claude-code', id: 's1', costUsd: 0.2 } })).toEqual({ agent: 'claude-code', id: 's1', costUsd: 0.2 });
  expect(heartbeatSession({ bytes: 1, lastLine: '', session: { agent: 'codex', id: 's1' } })).toEqual({ agent: 'codex', id: 's1' });
  expect(heartbeatSession({ bytes: 1, lastLine: '' })).toBeUndefined();
  expect(heartbeatSession({ waitingForSlot: true })).toBeUndefined();
  expect(heartbeatSession(undefined)).toBeUndefined();
  expect(heartbeatSession({ session: { agent: 'claude-code', id: '--resume' } })).toBeUndefined();
  expect(heartbeatSession({ session: { agent: 'claude-code', id: 's1', costUsd: -1 } })).toBeUndefined();
  expect(heartbeatSession({ session: { id: 's1' } })).toBeUndefined();
});
