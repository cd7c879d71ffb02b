import { claimDeliveries, readDelivery, recordOutcome, releaseDelivery } from '../../src/store/deliveries';
import { createBatcher } from '../../src/store/batcher';
import { countedPool, useTestDatabase } from '../support/database';

jest.setTimeout(60_000);

const database = useTestDatabase();
const counted = () => countedPool(database().pool);
const verb = (statement: string) => statement.trim().split(/\s+/)[0];

let n = 0;
const record = (deliveryId = `claim-${n++}`) => ({ deliveryId, event: 'issues', action: 'labeled', repo: 'acme/w', issueNumber: n });

describe('claimDeliveries', () => {
  it('claims new deliveries in one INSERT, each recorded; an id twice in one batch is claimed once, its copy is in progress', async () => {
    const [a, b] = [record(), record()];
    const { pool, statements } = counted();
    expect(await claimDeliveries(pool, [a, b, a])).toEqual(['claimed', 'claimed', 'in-progress']);
    expect(statements.map(verb)).toEqual(['INSERT']);
    expect(await readDelivery(database().pool, b.deliveryId)).toMatchObject({ event: 'issues', action: 'labeled', repo: 'acme/w', issueNumber: b.issueNumber, outcome: 'received' });
  });

  it('answers each of a mixed batch: acted on is a duplicate, claimed just now is in progress, abandoned or given back is claimed again', async () => {
    const [acted, fresh, abandoned, givenBack, brandNew] = [record(), record(), record(), record(), record()];
    expect(await claimDeliveries(database().pool, [acted, fresh, abandoned, givenBack])).toEqual(['claimed', 'claimed', 'claimed', 'claimed']);
    await recordOutcome(database().pool, acted.deliveryId, { outcome: 'started', latencyMs: 5 });
    await database().pool.query(`UPDATE webhook_deliveries SET received_at = now() - interval '2 minutes' WHERE delivery_id = $1`, [abandoned.deliveryId]);
    await releaseDelivery(database().pool, givenBack.deliveryId);
    const { pool, statements } = counted();
    expect(await claimDeliveries(pool, [acted, fresh, abandoned, givenBack, brandNew])).toEqual(['duplicate', 'in-progress', 'claimed', 'claimed', 'claimed']);
    // The read is only for those the INSERT did not claim.
    expect(statements.map(verb)).toEqual(['INSERT', 'SELECT']);
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
