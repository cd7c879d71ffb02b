// Its own file: publish.ts asks it too, and budget.ts imports publish.ts (no import circle).
/**
 * The patch of budgets per issue: asked only where a run would cross the budget (or the cost search
 * attribute is shown), so a story that stays within its budget, or has none, issues what it did before.
 */
export const BUDGET_PATCH = 'issue-budget';
