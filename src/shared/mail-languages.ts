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
