export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as Record<string, unknown>).__issueflowTestPg as { stop(): Promise<void> } | undefined;
  await pg?.stop();
}
