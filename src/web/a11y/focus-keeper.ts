// A button or select disabled while its save runs loses the keyboard focus: the browser moves it
// to <body>, and a keyboard user must Tab again from the top of the page. Rather than change
// every `disabled={saving}` (there are dozens), one observer watches the `disabled` attribute:
// when the element that had the focus is disabled and the focus falls to <body>, it gets the
// focus back as soon as it is enabled again, unless the user has gone somewhere else meanwhile.
export function installFocusKeeper(doc: Document = document): () => void {
  let focused: Element | null = null;
  let lost: Element | null = null;
  const nowhere = () => doc.activeElement === null || doc.activeElement === doc.body;
  const onFocusIn = (e: FocusEvent) => {
    focused = e.target as Element;
    lost = null;
  };
  doc.addEventListener('focusin', onFocusIn);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const el = record.target as Element;
      if (el.hasAttribute('disabled')) {
        if (el === focused && (nowhere() || doc.activeElement === el)) lost = el;
      } else if (el === lost) {
        lost = null;
        if (nowhere() && el.isConnected) (el as HTMLElement).focus({ preventScroll: true });
      }
    }
  });
  observer.observe(doc.body, { attributes: true, attributeFilter: ['disabled'], subtree: true });
  return () => {
    observer.disconnect();
    doc.removeEventListener('focusin', onFocusIn);
  };
}
