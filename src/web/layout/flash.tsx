// A one-time message handed to the next screen through the history entry ("Calendar saved.").
// It is shown once: the entry forgets it, so a reload or Back does not announce it again.
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { SuccessNotice } from './page-parts.js';

export interface FlashState {
  notice?: string;
}

export function Flash() {
  const location = useLocation();
  const navigate = useNavigate();
  const [notice] = useState((location.state as FlashState | null)?.notice);
  useEffect(() => {
    if ((location.state as FlashState | null)?.notice) {
      navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: null });
    }
  }, [location, navigate]);
  return <SuccessNotice message={notice} />;
}
