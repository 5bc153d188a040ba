// What saving an agreement or a calendar did to the promises already running: the server answers
// how many running clocks it recomputed (`recomputedClocks`), and the notice says so, so a changed
// target visibly reaches the open cases (and a renamed agreement does not claim it did).
import { countOf } from '../lib/format.js';

export function clocksNotice(saved: string, answer: unknown): string {
  const n =
    typeof answer === 'object' && answer !== null && 'recomputedClocks' in answer
      ? Number((answer as { recomputedClocks: unknown }).recomputedClocks)
      : 0;
  if (!Number.isInteger(n) || n <= 0) return `${saved}.`;
  return `${saved}; ${countOf(n, 'running promise clock')} of open cases now ${n === 1 ? 'follows' : 'follow'} the new terms.`;
}
