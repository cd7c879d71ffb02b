/**
 * The status comment's markdown as HTML, for the dashboard. Only the subset issueflow writes is
 * understood (`###` headings, `-` lists, `>` quotes, `code`, **bold**, [links](https://...), a line
 * wrapped in <sub>); everything else is text. Every character of the input is escaped before any
 * markup is added, so text from issue authors (questions, error messages) can never become HTML,
 * and links keep only http(s) targets.
 */
export function markdownToSafeHtml(markdown: string): string {
  const out: string[] = [];
  let block: { tag: 'ul' | 'blockquote' | 'p'; lines: string[] } | undefined;
  const flush = () => {
    if (!block) return;
    if (block.tag === 'ul') out.push(`<ul>${block.lines.map((l) => `<li>${l}</li>`).join('')}</ul>`);
    else if (block.tag === 'blockquote') out.push(`<blockquote><p>${block.lines.join('<br>')}</p></blockquote>`);
    else out.push(`<p>${block.lines.join('<br>')}</p>`);
    block = undefined;
  };
  const add = (tag: 'ul' | 'blockquote' | 'p', html: string) => {
    if (block?.tag !== tag) flush();
    block ??= { tag, lines: [] };
    block.lines.push(html);
  };
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const sub = /^<sub>(.*)<\/sub>$/.exec(line.trim());
    if (!line.trim()) flush();
    else if (heading) {
      flush();
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
    } else if (sub) {
      flush();
      out.push(`<p><small>${inline(sub[1])}</small></p>`);
    } else if (/^[-*]\s+/.test(line)) add('ul', inline(line.replace(/^[-*]\s+/, '')));
    else if (/^>\s?/.test(line)) add('blockquote', inline(line.replace(/^>\s?/, '')));
    else add('p', inline(line));
  }
  flush();
  return out.join('\n');
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function inline(text: string): string {
  // Code spans first, set aside so that nothing inside them is read as markup.
  const codes: string[] = [];
  let html = escapeHtml(text.replace(/\u0000/g, '')).replace(/`([^`]+)`/g, (_m, code: string) => `\u0000${codes.push(`<code>${code}</code>`) - 1}\u0000`);
  html = html.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" rel="noopener noreferrer">$1</a>');
  html = html.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  return html.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)]);
}
