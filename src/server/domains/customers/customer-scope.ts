// Who one customer is across Steward's records: the customer and every duplicate merged into
// it, their names, their portal logins, every address they are known by and their cases. Read
// by the personal-data export (what to hand over) and the erasure (what to scrub), so both
// agree on whose data it is. One query, whatever the size of the install.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';

export interface CustomerScope {
  /** The customer and the customers merged into it. */
  customerIds: string[];
  /** Their names, as other records (mail, notifications) may quote them. */
  names: string[];
  /** Their portal logins. */
  loginIds: string[];
  /** Every address they are known by, lower case: the records' and the logins'. */
  emails: string[];
  /** Their cases, deleted ones too. */
  caseIds: string[];
}

export async function customerScope(db: Database, id: string): Promise<CustomerScope> {
  const [found] = await rows<{
    customer_ids: string[];
    names: string[];
    login_ids: string[];
    emails: string[];
    case_ids: string[];
  }>(
    db,
    sql`with c as (select id, name, email from customers where id = ${id} or merged_into_id = ${id}),
      u as (select id, email from users where customer_id in (select id from c))
      select
        (select coalesce(array_agg(id), '{}') from c) as customer_ids,
        (select coalesce(array_agg(distinct name), '{}') from c) as names,
        (select coalesce(array_agg(id), '{}') from u) as login_ids,
        (select coalesce(array_agg(distinct lower(e)), '{}') from
          (select email as e from c union select email from u) x where e is not null) as emails,
        (select coalesce(array_agg(id), '{}') from cases where customer_id in (select id from c)) as case_ids`,
  );
  return {
    customerIds: found!.customer_ids,
    names: found!.names,
    loginIds: found!.login_ids,
    emails: found!.emails,
    caseIds: found!.case_ids,
  };
}
