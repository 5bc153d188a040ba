// Knowledge-base Markdown to HTML, safe by construction: markdown-it with raw HTML off escapes
// every character of text and attributes, so the only way in is a URL. Links and images accept
// only http(s), mailto, tel and relative URLs (no javascript:, data:, vbscript:, file:); links to
// other sites open in a new tab with rel="noopener noreferrer nofollow". The server renders with
// this for the API and the help center; the staff editor's live preview uses the very same
// function in the browser, so the preview is what readers get. Also: the plain text of an
// article (for snippets). Pure: no I/O.
import MarkdownIt from 'markdown-it';

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

/**
 * A URL a reader may follow: http(s), mailto, tel, or relative. markdown-it hands over the URL
 * normalized (percent-encoded), so "java\tscript:" arrives as "java%09script:", which has no
 * scheme and so is a harmless relative path.
 */
export function isSafeUrl(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim());
  return !scheme || SAFE_SCHEMES.has(scheme[1]!.toLowerCase());
}

export const isExternalUrl = (url: string) => /^(https?:)?\/\//i.test(url.trim());

function createRenderer() {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  md.validateLink = (url) => isSafeUrl(url);
  const defaultLinkOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet('href') ?? '');
    if (isExternalUrl(href)) {
      token.attrSet('target', '_blank');
      token.attrSet('rel', 'noopener noreferrer nofollow');
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

const renderer = createRenderer();

/** Safe HTML of an article body. */
export function renderMarkdown(markdown: string): string {
  return renderer.render(markdown);
}

/**
 * The readable text of Markdown (no markup, no URLs), words separated by single spaces. A table
 * reads row by row, its cells apart ("Germany · DHL · 1–2 business days; EU · …"): run together,
 * its words made a snippet of nonsense ("Destination Carrier Usual delivery Germany DHL 1–2 …").
 */
export function markdownToText(markdown: string): string {
  const parts: string[] = [];
  let rows: string[] | null = null;
  let cells: string[] = [];
  let cell: string[] | null = null;
  for (const token of renderer.parse(markdown, {})) {
    const out = cell ?? parts;
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline') out.push(child.content);
        else if (child.type === 'softbreak' || child.type === 'hardbreak') out.push(' ');
        else if (child.type === 'image') out.push(child.content);
      }
      out.push(' ');
    } else if (token.type === 'code_block' || token.type === 'fence') {
      out.push(token.content, ' ');
    } else if (token.type === 'table_open') rows = [];
    else if (token.type === 'th_open' || token.type === 'td_open') cell = [];
    else if ((token.type === 'th_close' || token.type === 'td_close') && cell) {
      const words = cell.join('').replace(/\s+/g, ' ').trim();
      if (words) cells.push(words);
      cell = null;
    } else if (token.type === 'tr_close' && rows) {
      if (cells.length) rows.push(cells.join(' · '));
      cells = [];
    } else if (token.type === 'table_close' && rows) {
      if (rows.length) parts.push(`${rows.join('; ')}.`, ' ');
      rows = null;
    }
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}
