import { claimDeliveries, readDelivery } from '../../src/store/deliveries';
import { createOutcomeRecorder } from '../../src/store/outcome-recorder';
import { countedPool, createTestDatabase, type TestDatabase } from '../support/database';

jest.setTimeout(60_000);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const counted = () => countedPool(db.pool);

let n = 0;
async function claimed(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `rec-${n++}`);
  expect(await claimDeliveries(db.pool, ids.map((deliveryId) => ({ deliveryId, event: 'issues', action: 'labeled' })))).toEqual(ids.map(() => 'claimed'));
  return ids;
}

describe('createOutcomeRecorder', () => {
  it('writes the outcomes of one tick in one statement, each on its own delivery', async () => {
    const ids = await claimed(5);
    const { pool, statements } = counted();
    const recorder = createOutcomeRecorder(pool);
    await Promise.all(ids.map((deliveryId, i) => recorder.record({ deliveryId, outcome: i % 2 ? 'started' : 'ignored', workflowId: i % 2 ? `acme/w#${i}` : undefined, latencyMs: 10.4 + i, repo: 'acme/w', issueNumber: i + 1 })));
    expect(statements).toHaveLength(1);
    for (const [i, deliveryId] of ids.entries()) {
      expect(await readDelivery(db.pool, deliveryId)).toMatchObject({ outcome: i % 2 ? 'started' : 'ignored', workflowId: i % 2 ? `acme/w#${i}` : undefined, latencyMs: 10 + i, repo: 'acme/w', issueNumber: i + 1 });
    }
  });

  it('an outcome that comes while a statement is in flight goes in the next one; drain waits for both', async () => {
    const [first, second, third] = await claimed(3);
    const { pool, statements } = counted();
    const recorder = createOutcomeRecorder(pool);
    const a = recorder.record({ deliveryId: first, outcome: 'started', latencyMs: 1 });
    await new Promise((resolve) => setImmediate(resolve)); // the first statement is sent
    const b = recorder.record({ deliveryId: second, outcome: 'signaled', latencyMs: 2 });
    const c = recorder.record({ deliveryId: third, outcome: 'ignored', latencyMs: 3 });
    await recorder.drain();
    await Promise.all([a, b, c]);
    expect(statements).toHaveLength(2);
    expect((await readDelivery(db.pool, second))?.outcome).toBe('signaled');
    expect((await readDelivery(db.pool, third))?.outcome).toBe('ignored');
  });

  it('a delivery recorded twice in one statement keeps its last outcome; a failed statement rejects its outcomes', async () => {
    const [id] = await claimed(1);
    const recorder = createOutcomeRecorder(db.pool);
    await Promise.all([recorder.record({ deliveryId: id, outcome: 'started', latencyMs: 1 }), recorder.record({ deliveryId: id, outcome: 'already-running', latencyMs: 2 })]);
    expect(await readDelivery(db.pool, id)).toMatchObject({ outcome: 'already-running', latencyMs: 2 });

    const broken = createOutcomeRecorder({ query: () => Promise.reject(new Error('connection terminated')) } as never);
    await expect(broken.record({ deliveryId: id, outcome: 'ignored', latencyMs: 1 })).rejects.toThrow('connection terminated');
    await broken.drain();
    expect((await readDelivery(db.pool, id))?.outcome).toBe('already-running');
  });
});
