// After a form was refused, the first field it complains about gets the focus: a keyboard or
// screen reader user lands on what to fix instead of staying on the submit button. Called once
// the messages are on the page (the next frame after they were set).
const INVALID =
  '[aria-invalid="true"], .field--invalid input, .field--invalid textarea, .field--invalid select';

export function focusFirstInvalid(): void {
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>(INVALID);
    if (!first) return;
    first.focus();
    first.scrollIntoView?.({ block: 'center' });
  });
}
