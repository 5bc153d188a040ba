// The languages Steward writes its own words in, in mail to customers (the acknowledgement of a
// request, the line linking a reply to the portal, the portal's sign-in link). An agent's reply
// is in the words the agent wrote; an admin's rule-action mail in the admin's.

export const MAIL_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/** Each language by its own name, for a choice. */
export const MAIL_LANGUAGE_NAMES: Record<MailLanguage, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  nl: 'Nederlands',
};

export const isMailLanguage = (tag: string): tag is MailLanguage =>
  (MAIL_LANGUAGES as readonly string[]).includes(tag);

/**
 * The language to write to a customer in: their own (its primary subtag: `de-CH` → `de`), English
 * when Steward does not write theirs, the company's when they have none.
 */
export function mailLanguage(own: string | null | undefined, company?: string | null): MailLanguage {
  const tag = own?.trim();
  if (!tag) return company && isMailLanguage(company) ? company : 'en';
  const primary = tag.split('-')[0]!.toLowerCase();
  return isMailLanguage(primary) ? primary : 'en';
}
