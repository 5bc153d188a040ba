// What an attempt to deliver a webhook leads to: delivered, tried again later (when), or given
// up; and the body sent. Pure: no I/O (webhook-delivery.ts does the sending and the writing).

/** Pauses before the 2nd, 3rd, ... attempt, in seconds: 8 attempts over about 20 hours. */
export const RETRY_DELAYS_S = [10, 60, 300, 1_800, 7_200, 21_600, 43_200] as const;

/** A Retry-After longer than this is not waited for (the usual pause is taken instead). */
const RETRY_AFTER_MAX_S = 86_400;

export interface AttemptResult {
  /** The receiver's HTTP status; null when no answer came (network error, time-out). */
  status: number | null;
  /** The Retry-After header of a 429 or 503, as sent. */
  retryAfter?: string | null;
}

export type Outcome =
  | { state: 'delivered' }
  | { state: 'pending'; retryInS: number }
  | { state: 'failed'; disableWebhook: boolean };

/**
 * `attempts` counts this one. A 2xx is delivered; 410 Gone gives up and turns the webhook off (the
 * receiver says it is gone for good); anything else (3xx: redirects are not followed, 4xx, 5xx,
 * no answer) is tried again after the next pause, or given up once the pauses run out.
 */
export function outcomeOf(
  attempts: number,
  result: AttemptResult,
  delays: readonly number[] = RETRY_DELAYS_S,
): Outcome {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300) return { state: 'delivered' };
  if (status === 410) return { state: 'failed', disableWebhook: true };
  const pause = delays[attempts - 1];
  if (pause === undefined) return { state: 'failed', disableWebhook: false };
  let retryInS: number = pause;
  if ((status === 429 || status === 503) && result.retryAfter && /^\d{1,9}$/.test(result.retryAfter.trim())) {
    const asked = Number(result.retryAfter.trim());
    if (asked <= RETRY_AFTER_MAX_S) retryInS = Math.max(pause, asked);
  }
  return { state: 'pending', retryInS };
}

/** Why an attempt failed, in words for the delivery log. */
export function failureText(result: AttemptResult & { error?: string | null }): string | null {
  if (result.status === null) return result.error ?? 'no answer';
  if (result.status >= 200 && result.status < 300) return null;
  if (result.status >= 300 && result.status < 400)
    return `the receiver answered ${result.status} (redirects are not followed)`;
  return `the receiver answered ${result.status}`;
}

export interface WebhookPayload {
  id: string;
  type: string;
  occurredAt: string;
  entity: { type: string; id: string };
  actor: { kind: 'user' | 'system'; id: string | null };
  data: Record<string, unknown>;
}

/** The payload's fields in a fixed order (a stored jsonb payload has its own). */
export function inOrder(payload: WebhookPayload): WebhookPayload {
  const { id, type, occurredAt, entity, actor, data } = payload;
  return { id, type, occurredAt, entity, actor, data };
}

/** The JSON body of a delivery. */
export const bodyOf = (payload: WebhookPayload): string => JSON.stringify(inOrder(payload));
