import type { RepoConfig } from './repo-config';

/**
 * The defaults of `.github/issueflow.yml`, as plain data for the workflow bundle (which should not
 * carry zod). test/domain/repo-defaults.test.ts checks it equals the schema's own defaults.
 */
export const DEFAULT_CONFIG: RepoConfig = {
  testCommand: 'npm test',
  approval: 'complex',
  maintainers: [],
  maxFixAttempts: 2,
  timeouts: { feedbackHours: 72, escalationDays: 7, idleDays: 14, agentMinutes: 30, testMinutes: 15, mergeCheckMinutes: 15 },
};
