// Addresses staff add to a case's mail besides its customer (the CC list, a side conversation's
// third parties): never one of our own addresses, the case's customer (they get the replies as
// the customer) or a colleague (who follows the case instead). Refused with 422 `code`, each
// address named at its place in the body (`body.<field>.<i>`); nothing written.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { isOwnAddress } from '../../../core/mail/addresses.js';
import { unprocessable } from '../../lib/errors.js';
import { ourAddresses } from '../mail/mailboxes.service.js';

export async function checkOtherRecipients(
  tx: Database,
  asked: string[],
  opts: { customerId: string; field: string; code: string },
): Promise<string[]> {
  const list = [...new Set(asked.map((a) => a.toLowerCase()))];
  if (list.length === 0) return list;
  const ours = await ourAddresses(tx);
  const taken = await rows<{ email: string; kind: string }>(
    tx,
    sql`select lower(email) as email, 'the case’s customer' as kind from customers
          where id = ${opts.customerId} and lower(email) = any(${sql.param(list)}::text[])
        union all
        select lower(email), 'a colleague (follow the case instead)' from users
          where role in ('agent', 'admin') and deleted_at is null and lower(email) = any(${sql.param(list)}::text[])`,
  );
  const problems = list.flatMap((address, i) => {
    const kind = isOwnAddress(address, ours)
      ? 'one of our own addresses'
      : taken.find((t) => t.email === address)?.kind;
    return kind ? [{ path: `body.${opts.field}.${i}`, message: `${address} is ${kind}` }] : [];
  });
  if (problems.length)
    throw unprocessable(
      opts.code,
      `body.${opts.field}: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  return list;
}
