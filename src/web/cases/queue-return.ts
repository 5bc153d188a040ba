// Back in the queue after a case opened from it, the keyboard cursor (and the focus) is on that
// case's row again, not at the top of the page: j/k and the arrows go on from where the user was.
// The case page says which case it showed; the queue takes it once, when its list is there.

let left: string | null = null;

/** The case page opened from a queue: its case is the one to come back to. */
export function rememberCaseLeft(caseId: string): void {
  left = caseId;
}

/** The case to come back to, once (null when there is none). */
export function takeCaseLeft(): string | null {
  const id = left;
  left = null;
  return id;
}
