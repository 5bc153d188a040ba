// Leaving a page with edits not saved (another link of the app, Back): asked first, so a click
// on the top bar does not throw away an article half written. Leaving the app itself (reload,
// closing the tab) is the browser's business and not asked here.
import { useEffect, type RefObject } from 'react';
import { useBlocker } from 'react-router-dom';

export const UNSAVED_QUESTION = 'Your changes are not saved. Leave this page and lose them?';

/**
 * `saving`: set to true just before the page itself navigates away having saved (a new record's
 * page): that way out is not asked about.
 */
export function useUnsavedGuard(dirty: boolean, saving?: RefObject<boolean>) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !saving?.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(UNSAVED_QUESTION)) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
}
