// An organization's e-mail domains as typed in its form: "acme.com, acme.de" or one a line. Pure.

/**
 * The list the API takes (it checks each one). Only commas, semicolons and line breaks separate:
 * a typed "not a domain" stays one entry with one message, rather than three refused words.
 */
export function domainsOf(text: string): string[] {
  return text
    .split(/[,;\r\n]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}
