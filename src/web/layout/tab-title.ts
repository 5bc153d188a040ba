// The browser tab's text: the page's title and the brand beside it.
/** "Customers · Steward"; a title that names the brand already stands alone ("Welcome to Acme"). */
export function tabTitle(title: string | undefined, brand: string): string {
  if (!title) return brand;
  return title.toLowerCase().includes(brand.toLowerCase()) ? title : `${title} · ${brand}`;
}
