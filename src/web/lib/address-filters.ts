// Filters kept in the page's address (`?ref=…&warned=true`), so a link or a reload carries them.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The address's parameters with these changes (an empty or undefined value removes one), taken
 * from the address as it is now rather than as the last render saw it: two changes in a row
 * before the page renders again ("Clear filters", then a segment) must both count.
 */
export function changedParams(changes: Record<string, string | undefined>): URLSearchParams {
  const next = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value) next.set(key, value);
    else next.delete(key);
  }
  return next;
}

/** The address's parameters, and a way to change some of them (see changedParams). */
export function useAddressFilters() {
  const [params, setParams] = useSearchParams();
  const change = useCallback(
    (changes: Record<string, string | undefined>, opts: { replace?: boolean } = {}) =>
      setParams(changedParams(changes), opts),
    [setParams],
  );
  return [params, change] as const;
}
