/** Who has write access, as GitHub's `author_association` tells it. The one place this rule is written. Pure. */

/** Author associations that may trigger and command issueflow, and whose words the agent may take as instructions. */
export const TRUSTED_ASSOCIATIONS: readonly string[] = ['OWNER', 'MEMBER', 'COLLABORATOR'];

/** Whether an `author_association` (from a webhook or the REST API) is an owner, member or collaborator. */
export function isTrustedAssociation(association: string | null | undefined): boolean {
  return TRUSTED_ASSOCIATIONS.includes(association ?? '');
}
