import { claimDeliveries, MAX_CLAIMS, readDelivery, recordOutcome, takeOverLapsedDeliveries } from '../../src/store/deliveries';
import { createBatcher } from '../../src/store/batcher';
import { countedPool, useTestDatabase } from '../support/database';

jest.setTimeout(60_000);

const database = useTestDatabase();
const counted = () => countedPool(database().pool);
const verb = (statement: string) => statement.trim().split(/\s+/)[0];

let n = 0;
const record = (deliveryId = `claim-${n++}`) => ({ deliveryId, event: 'issues', action: 'labeled', repo: 'acme/w', issueNumber: n });

describe('claimDeliveries', () => {
  it('claims new deliveries in one INSERT, each recorded with its decision; an id twice in one batch is claimed once, its copy is a duplicate', async () => {
    const decision = { kind: 'start', workflowId: 'acme/w#1' };
    const [a, b] = [{ ...record(), decision }, { ...record(), outcome: 'ignored' as const }];
    const { pool, statements } = counted();
    expect(await claimDeliveries(pool, [a, b, a])).toEqual(['claimed', 'claimed', 'duplicate']);
    expect(statements.map(verb)).toEqual(['INSERT']);
    expect(await readDelivery(database().pool, a.deliveryId)).toMatchObject({ event: 'issues', action: 'labeled', repo: 'acme/w', issueNumber: a.issueNumber, outcome: 'received' });
    expect(await readDelivery(database().pool, b.deliveryId)).toMatchObject({ outcome: 'ignored' });
    const { rows } = await database().pool.query('SELECT decision FROM webhook_deliveries WHERE delivery_id = $1', [a.deliveryId]);
    expect(rows[0].decision).toEqual(decision);
  });

  it('answers each of a mixed batch in one statement: acted on or claimed just now is a duplicate, a lapsed claim is claimed again', async () => {
    const [acted, fresh, lapsed, brandNew] = [record(), record(), record(), record()];
    expect(await claimDeliveries(database().pool, [acted, fresh, lapsed])).toEqual(['claimed', 'claimed', 'claimed']);
    await recordOutcome(database().pool, acted.deliveryId, { outcome: 'started', latencyMs: 5 });
    await age(lapsed.deliveryId, 120);
    const { pool, statements } = counted();
    expect(await claimDeliveries(pool, [acted, fresh, lapsed, brandNew])).toEqual(['duplicate', 'duplicate', 'claimed', 'claimed']);
    expect(statements.map(verb)).toEqual(['INSERT']);
    expect(await attempts(lapsed.deliveryId)).toBe(2);
  });
});

async function age(deliveryId: string, seconds: number) {
  await database().pool.query('UPDATE webhook_deliveries SET received_at = now() - make_interval(secs => $2) WHERE delivery_id = $1', [deliveryId, seconds]);
}
async function attempts(deliveryId: string): Promise<number> {
  const { rows } = await database().pool.query('SELECT attempts FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
  return rows[0].attempts;
}

describe('takeOverLapsedDeliveries', () => {
  it('takes over, oldest first, the recorded decisions whose claim lapsed without an outcome, once; others are left alone', async () => {
    await database().pool.query("UPDATE webhook_deliveries SET outcome = 'old' WHERE outcome = 'received'");
    const decided = (i: number) => ({ ...record(), decision: { kind: 'signal', workflowId: `acme/w#${i}` } });
    const [older, newer, fresh, acted, undecided] = [decided(1), decided(2), decided(3), decided(4), record()];
    await claimDeliveries(database().pool, [older, newer, fresh, acted, undecided]);
    await recordOutcome(database().pool, acted.deliveryId, { outcome: 'signaled', latencyMs: 5 });
    await age(newer.deliveryId, 90);
    await age(older.deliveryId, 120);
    for (const d of [acted, undecided]) await age(d.deliveryId, 120);

    const { lapsed, failed } = await takeOverLapsedDeliveries(database().pool, 10);
    expect(lapsed.map((d) => d.deliveryId)).toEqual([older.deliveryId, newer.deliveryId]);
    expect(lapsed[0]).toMatchObject({ decision: older.decision, repo: 'acme/w', issueNumber: older.issueNumber });
    expect(failed).toEqual([]);
    // Claimed again just now: a second sweep (this process's or another's) takes none of them.
    expect((await takeOverLapsedDeliveries(database().pool, 10)).lapsed).toEqual([]);
    expect(await attempts(older.deliveryId)).toBe(2);
  });

  it(`gives a delivery up as failed after ${MAX_CLAIMS} claims`, async () => {
    const d = { ...record(), decision: { kind: 'start', workflowId: 'acme/w#9' } };
    await claimDeliveries(database().pool, [d]);
    await database().pool.query('UPDATE webhook_deliveries SET attempts = $2 WHERE delivery_id = $1', [d.deliveryId, MAX_CLAIMS]);
    await age(d.deliveryId, 120);
    const { lapsed, failed } = await takeOverLapsedDeliveries(database().pool, 10);
    expect(failed).toEqual([d.deliveryId]);
    expect(lapsed.map((x) => x.deliveryId)).not.toContain(d.deliveryId);
    expect(await readDelivery(database().pool, d.deliveryId)).toMatchObject({ outcome: 'failed' });
    // A person redelivers it once the cause is fixed: claimed again, with its decision, for one more attempt.
    expect(await claimDeliveries(database().pool, [d])).toEqual(['claimed']);
    expect(await readDelivery(database().pool, d.deliveryId)).toMatchObject({ outcome: 'received', attempts: MAX_CLAIMS + 1 });
  });
});

describe('createBatcher', () => {
  it('sends the items of one tick together, those that come during a flight in the next, and answers each caller with its own', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const batcher = createBatcher<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((x) => x * 10);
    });
    const first = [batcher.submit(1), batcher.submit(2)];
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.submit(3), batcher.submit(4), batcher.submit(5)];
    release();
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('a failed statement rejects its own items only; drain waits for every flight', async () => {
    const batcher = createBatcher<string, string>(async (items) => {
      if (items.includes('bad')) throw new Error('statement failed');
      return items;
    });
    const bad = batcher.submit('bad');
    await expect(bad).rejects.toThrow('statement failed');
    const good = batcher.submit('good');
    await batcher.drain();
    await expect(good).resolves.toBe('good');
  });
});
