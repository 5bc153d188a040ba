// The state of a request in plain words, as the server phrased it for this customer.
import type { PlainState } from '../../shared/schemas/portal.js';

export function PlainStateLine({ state, large = false }: { state: PlainState; large?: boolean }) {
  return (
    <p
      className={`plain-state plain-state--${state.code}${state.late ? ' plain-state--late' : ''}${large ? ' plain-state--large' : ''}`}
      data-testid="plain-state"
      data-code={state.code}
    >
      <span className="plain-state__dot" aria-hidden="true" />
      <span>{state.text}</span>
    </p>
  );
}
