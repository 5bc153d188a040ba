// The company's language for mail to customers who have none (the `customerLanguage` setting) as
// SQL, for the queries that write to customers. A module of its own, free of the settings
// service's imports, as company-time-zone.ts.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { mailLanguage } from '../../../shared/mail-languages.js';
import type { MailLanguage } from '../../../shared/mail-languages.js';

/** The `customerLanguage` setting as an SQL text expression; null when none is set (English). */
export const COMPANY_CUSTOMER_LANGUAGE = sql`(select value #>> '{}' from settings where key = 'customerLanguage')`;

/** The language to write to this customer in (`mailLanguage`: theirs, else the company's). */
export async function languageOfCustomer(db: Database, customerId: string): Promise<MailLanguage> {
  const [found] = await rows<{ language: string | null; company: string | null }>(
    db,
    sql`select (select language from customers where id = ${customerId}) as language,
      ${COMPANY_CUSTOMER_LANGUAGE} as company`,
  );
  return mailLanguage(found?.language, found?.company);
}
