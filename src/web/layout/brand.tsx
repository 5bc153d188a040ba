// The product mark at the top of a page: the company's name where customers look (the portal,
// the help center, the sign-in pages), Steward on the staff's screens.
import { Link } from 'react-router-dom';
import { useCompanyName } from '../lib/branding.js';

/** The name a page shows: the company's on customers' pages when one is set, else Steward. */
export function useBrandName(customerFacing: boolean): string {
  const company = useCompanyName();
  return customerFacing && company ? company : 'Steward';
}

export function Brand(props: {
  /** The name beside the mark. */
  name: string;
  /** A link home with this accessible name; none: a heading's decoration (hidden from readers). */
  home?: { to: string; label: string };
  large?: boolean;
}) {
  const inner = (
    <>
      <span className="brand__mark" aria-hidden="true">
        {(props.name.trim()[0] ?? 'S').toUpperCase()}
      </span>
      <span className="brand__name">{props.name}</span>
    </>
  );
  const className = props.large ? 'brand brand--large' : 'brand';
  return props.home ? (
    <Link to={props.home.to} className={className} aria-label={props.home.label}>
      {inner}
    </Link>
  ) : (
    <div className={className} aria-hidden="true">
      {inner}
    </div>
  );
}
