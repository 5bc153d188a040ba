// `/cases/29` and `/portal/cases/29`: the number people quote (in a mail, on the phone). Finds the
// case through the API, with the caller's access, and moves to its address, replacing the
// number's entry in the history (Back goes where they came from).
import { useEffect, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';

/** A path segment that is a case number (`29`, or `#29` written as `%2329`), not an id. */
export const isCaseNumber = (segment: string) => /^#?\d+$/.test(segment);

export function CaseByNumber(props: {
  /** The API path that reads a case by id or number, e.g. `/cases` or `/portal/cases`. */
  apiPath: string;
  /** The page path of a case, before its id. */
  pagePath: string;
  number: string;
  notFound: ReactNode;
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const number = props.number.replace('#', '');
  const found = useApi<{ id: string }>(`${props.apiPath}/${number}`);
  const { pagePath } = props;
  useEffect(() => {
    if (found.data)
      navigate(`${pagePath}/${found.data.id}${location.search}`, { replace: true, state: location.state });
  }, [found.data, navigate, pagePath, location.search, location.state]);
  if (found.error?.status === 404) return <>{props.notFound}</>;
  if (found.error) return <ErrorNotice error={found.error} onRetry={found.reload} />;
  return <Loading label={`Finding #${number}…`} />;
}
