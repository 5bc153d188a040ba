// The message of a zod issue as a person should read it. A record's refused key says only
// "Invalid key in record"; the reason is in its nested issue (the key schema's own message).
interface IssueLike {
  code?: string;
  message: string;
  issues?: readonly { message: string }[];
}

export function issueMessage(issue: IssueLike): string {
  if (issue.code === 'invalid_key' && issue.issues?.[0]) return issue.issues[0].message;
  return issue.message;
}
