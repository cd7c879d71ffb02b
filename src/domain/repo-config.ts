import { z } from 'zod';
import { CANDIDATE_RULES, MAX_CANDIDATES } from './candidates';

const agentName = z.enum(['claude-code', 'codex', 'gemini', 'aider', 'custom']);

/** `.github/issueflow.yml` in the target repository: how issueflow works there. Every key is optional. */
export const repoConfigSchema = z
  .object({
    testCommand: z.string().min(1).default('npm test'),
    setupCommand: z.string().min(1).optional(),
    agent: agentName.optional(),
    approval: z.enum(['never', 'always', 'complex']).default('complex'),
    /** Candidate patches: this many agent runs implement the approved plan side by side, and the tests choose (candidates.ts). */
    candidates: z.number().int().min(1).max(MAX_CANDIDATES).optional(),
    /** One candidate per agent named (with `candidates`, they take turns); the first is the plan's agent when `agent` is absent. */
    agents: z.array(agentName).min(1).max(MAX_CANDIDATES).optional(),
    /** How the winner is chosen among the candidates whose tests pass. */
    candidateRule: z.enum(CANDIDATE_RULES).optional(),
    maintainers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/, 'a GitHub login')).default([]),
    maxFixAttempts: z.number().int().min(0).max(10).default(2),
    // Optional as a whole: without a `ci` key issueflow does not wait for checks (and adds no steps for them).
    ci: z
      .object({
        wait: z.boolean().default(true),
        maxFixAttempts: z.number().int().min(0).max(10).default(2),
        ignore: z.array(z.string().min(1)).default([]),
        timeoutMinutes: z.number().positive().default(60),
      })
      .strict()
      .optional(),
    /** The most all of an issue's agent runs may cost and take; the service's BUDGET_USD / BUDGET_AGENT_MINUTES when absent. */
    budget: z.object({ usd: z.number().positive().optional(), agentMinutes: z.number().positive().optional() }).strict().optional(),
    timeouts: z
      .object({
        feedbackHours: z.number().positive().default(72),
        escalationDays: z.number().positive().default(7),
        idleDays: z.number().positive().default(14),
        agentMinutes: z.number().positive().default(30),
        testMinutes: z.number().positive().default(15),
        /** How often an open PR is asked whether it still merges into the base (GitHub sends no webhook when the base moves). */
        mergeCheckMinutes: z.number().positive().default(15),
      })
      .strict()
      .default({ feedbackHours: 72, escalationDays: 7, idleDays: 14, agentMinutes: 30, testMinutes: 15, mergeCheckMinutes: 15 }),
  })
  .strict();

export type RepoConfig = z.output<typeof repoConfigSchema>;

export const DEFAULT_REPO_CONFIG: RepoConfig = repoConfigSchema.parse({});

/** Validates parsed YAML; problems are one line each, naming the key, for a comment on the issue. */
export function validateRepoConfig(raw: unknown): { config: RepoConfig; problems: string[] } {
  const parsed = repoConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((i) => `\`${i.path.join('.') || '(root)'}\`: ${i.message}`);
  return { config: DEFAULT_REPO_CONFIG, problems };
}
