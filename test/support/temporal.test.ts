import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { freePort } from './ports';
import { quietAfterTeardown } from './temporal';

test('a call still retrying when its connection is closed ends cancelled, instead of throwing from the retry timer into the next suite', async () => {
  // Nobody listens there: every attempt fails UNAVAILABLE, which the client retries after a growing pause.
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, plugins: [quietAfterTeardown] });
  const failure = connection.workflowService.getSystemInfo({}).then(
    () => undefined,
    (err: { code?: number; details?: string }) => err,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  await connection.close();
  const err = await failure;
  expect(err).toMatchObject({ code: status.CANCELLED, details: expect.stringContaining('the test environment was torn down') });
});

test('a first call on a connection closed already fails cancelled, as the caller expects of a dead Temporal', async () => {
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, plugins: [quietAfterTeardown] });
  await connection.close();
  const err = await connection.workflowService.getSystemInfo({}).then(
    () => undefined,
    (e: { code?: number; details?: string }) => e,
  );
  expect(err).toMatchObject({ code: status.CANCELLED, details: expect.stringContaining('Channel has been shut down') });
});
