import type { CommandSignalArgs } from '../../../src/workflows/messages';

/** The mock's PR #101 closed as merged: the signal that ends most stories. */
export const merged = { deliveryId: 'pr-closed', pullRequestNumber: 101, merged: true };

/** A `/agent <name>` command by @carol in an issue comment (with the comment's id when it has one). */
export const command = (name: CommandSignalArgs['command'], deliveryId: string, commentId?: number): CommandSignalArgs => ({ deliveryId, command: name, author: 'carol', source: 'issue-comment', ...(commentId ? { commentId } : {}) });
