// The queue of one agent's unsolved cases (new, open, pending, on hold: what their load and their
// capacity count), as a filtered queue's address, so a count of their load can lead to the cases.
import { UNSOLVED_STATUSES } from '../../shared/schemas/cases.js';

export const agentQueuePath = (userId: string) =>
  `/cases?view=filtered&status=${UNSOLVED_STATUSES.join(',')}&assigneeId=${encodeURIComponent(userId)}`;
