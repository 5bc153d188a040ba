// Sanitized HTML of a mail, in a frame that may run nothing and load nothing (only inline
// data: images): the server sanitized it already; the frame is the second wall.
export function HtmlBody({ html, title = 'HTML version of the mail' }: { html: string; title?: string }) {
  const doc = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">${html}`;
  return <iframe className="mail-html" title={title} sandbox="" srcDoc={doc} data-testid="mail-html" />;
}
