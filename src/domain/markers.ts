/**
 * Hidden markers that tell issueflow's own comments apart: `<!-- issueflow:{workflowId}:{key} -->`.
 * GitHub does not render HTML comments, so the marker is invisible to readers. A marker says which
 * comment it is, never whose: anybody can copy one, so ownership is the author's user id.
 */

/** The marker of one comment of one workflow. */
export function commentMarker(workflowId: string, key: string): string {
  return `<!-- issueflow:${clean(workflowId)}:${clean(key)} -->`;
}

/** The comment body as posted: the marker on its own first line, then the text. */
export function markedBody(workflowId: string, key: string, body: string): string {
  return `${commentMarker(workflowId, key)}\n${body}`;
}

/** Whether a comment body carries the given marker. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return (body ?? '').includes(marker);
}

/** Reads the first issueflow marker of a body back, or undefined when there is none. */
export function parseMarker(body: string | null | undefined): { workflowId: string; key: string } | undefined {
  const m = /<!-- issueflow:(.+):([^:\s]+) -->/.exec(body ?? '');
  return m ? { workflowId: m[1], key: m[2] } : undefined;
}

// `-->` inside an id would end the HTML comment early and show the rest of it to readers.
function clean(part: string): string {
  return part.replace(/-->/g, '').replace(/\s+/g, '-');
}
