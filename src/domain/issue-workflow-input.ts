import type { Budget } from './budget';

/** What starts an issue's workflow; `Carried` is the workflow's own state type (the domain does not know it). */
export interface IssueWorkflowInput<Carried = never> {
  owner: string;
  repo: string;
  issueNumber: number;
  /** `earlierStory`: the issue was reopened or carries a state label, so a PR of an earlier story may exist. */
  trigger: { deliveryId: string; kind: 'opened' | 'labeled' | 'assigned' | 'reopened' | 'command'; actor: string; earlierStory?: boolean };
  /** GitHub App installation, when issueflow runs as an App. */
  installationId?: number;
  /** Set by continue-as-new: the state to carry on with. Ignored (with a warning) in a run not continued from another. */
  carried?: Carried;
  /** Base URL of the Temporal UI (TEMPORAL_UI_URL), linked from the status comment. */
  temporalUiUrl?: string;
  /** The service's budget per issue (BUDGET_USD, BUDGET_AGENT_MINUTES), for repos whose config sets none. */
  budget?: Budget;
  /** `/agent run --candidates N`: this many candidate patches instead of the repo config's `candidates`. */
  candidates?: number;
  /**
   * Continue as new once the history has this many events, besides the server's suggestion. An ops
   * knob for very chatty issues, and how the tests force a continue-as-new.
   */
  continueAsNewAtHistoryLength?: number;
}
