// Who wrote a message, as the customer reads it in the portal: "You", a colleague of theirs by
// name, or one of us ("Ava Agent · Support team"; a message Steward wrote, such as a proactive
// notice, is from the "Support team").

export function authorLine(
  m: { authorType: string; authorName: string | null; authorUserId: string | null },
  me: { id: string; name: string },
): string {
  if (m.authorType !== 'customer') return m.authorName ? `${m.authorName} · Support team` : 'Support team';
  if (m.authorUserId === me.id || m.authorName === me.name) return 'You';
  return m.authorName ?? 'Customer';
}
