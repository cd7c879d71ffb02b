/** An issue body as GitHub's issue forms write it (`### Heading` sections); empty fields say `_No response_`. */
export function issueForm(fields: { description?: string; acceptanceCriteria?: string[]; relevantFiles?: string[]; context?: string; taskType?: string }): string {
  const section = (heading: string, text: string | undefined) => `### ${heading}\n\n${text?.trim() ? text : '_No response_'}`;
  return [
    ...(fields.taskType ? [section('Task type', fields.taskType)] : []),
    section('Description', fields.description),
    section('Acceptance criteria', fields.acceptanceCriteria?.map((c) => `- [ ] ${c}`).join('\n')),
    section('Relevant files', fields.relevantFiles?.map((f) => `- \`${f}\``).join('\n')),
    section('Context', fields.context),
  ].join('\n\n');
}
