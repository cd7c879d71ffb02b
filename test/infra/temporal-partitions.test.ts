import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerPartitionArgs, ONE_PARTITION_ARGS } from '../../src/infra/temporal';

const dir = () => mkdtempSync(join(tmpdir(), 'issueflow-partitions-'));

test('a new data dir gets one partition per task queue, and keeps it once its database exists', () => {
  const d = dir();
  expect(devServerPartitionArgs(d)).toEqual(ONE_PARTITION_ARGS);
  expect(readFileSync(join(d, 'temporal.partitions'), 'utf8')).toBe('1\n');
  writeFileSync(join(d, 'temporal.db'), '');
  expect(devServerPartitionArgs(d)).toEqual(ONE_PARTITION_ARGS);
});

test('a database an older issueflow created keeps the default four partitions: tasks left in 1-3 stay readable', () => {
  const d = dir();
  writeFileSync(join(d, 'temporal.db'), '');
  expect(devServerPartitionArgs(d)).toEqual([]);
  expect(devServerPartitionArgs(d)).toEqual([]);
});
