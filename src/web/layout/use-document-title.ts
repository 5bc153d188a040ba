import { useEffect } from 'react';
import { isStaff, useAuth } from '../auth/auth-context.js';
import { useBrandName } from './brand.js';
import { tabTitle } from './tab-title.js';

/**
 * "Customers · Steward" in the browser tab, the name the page's top shows beside it
 * (`useBrandName`): the company's (Admin → Settings) where customers look, Steward on the staff's
 * screens. `customerFacing`: a page for customers whoever opens it (the sign-in pages, the help
 * center, the web form); by default the signed-in user decides (staff: Steward; a customer, or no
 * one signed in: the company). The name alone while the page has no title yet.
 */
export function useDocumentTitle(title: string | undefined, customerFacing?: boolean) {
  const { me } = useAuth();
  const name = useBrandName(customerFacing ?? !(me && isStaff(me)));
  useEffect(() => {
    document.title = tabTitle(title, name);
  }, [title, name]);
}
