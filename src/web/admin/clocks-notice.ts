// What saving an agreement or a calendar did to the promises already running: the server answers
// how many running clocks it recomputed (`recomputedClocks`) and how many of those the new terms
// put past due (`pastDueClocks`), and the notice says so, so a changed target visibly reaches the
// open cases (and a renamed agreement does not claim it did), and a tightened one says what it broke.
import { countOf, formatNumber } from '../lib/format.js';

const countIn = (answer: unknown, field: string): number => {
  const n =
    typeof answer === 'object' && answer !== null && field in answer
      ? Number((answer as Record<string, unknown>)[field])
      : 0;
  return Number.isInteger(n) && n > 0 ? n : 0;
};

export function clocksNotice(saved: string, answer: unknown): string {
  const n = countIn(answer, 'recomputedClocks');
  if (n === 0) return `${saved}.`;
  const moved = `${saved}; ${countOf(n, 'running promise clock')} of open cases now ${n === 1 ? 'follows' : 'follow'} the new terms`;
  const late = Math.min(countIn(answer, 'pastDueClocks'), n);
  if (late === 0) return `${moved}.`;
  if (late === 1) {
    const which = n === 1 ? 'it' : '1 of them';
    return `${moved}, and ${which} is past its new due time: it is recorded as breached.`;
  }
  return `${moved}, and ${formatNumber(late)} of them are past their new due time: they are recorded as breached.`;
}
