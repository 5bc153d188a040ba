// After a form was refused, the first field it complains about gets the focus: a keyboard or
// screen reader user lands on what to fix instead of staying on the submit button. Best called
// once the messages are on the page (useFormSubmit calls it from an effect after they rendered);
// a caller that cannot wait for that gets a few frames' grace: React may render an update set
// outside an event (after an awaited request) in a task that runs after the next frame.
//
// Only within the form that was sent: a page with two forms (Fields: a category and a field)
// may still show another form's old complaint, and jumping there would scroll the page away
// from the form the user is on (and from under a click already on its way).
const INVALID =
  '[aria-invalid="true"], .field--invalid input, .field--invalid textarea, .field--invalid select';

/** The form being sent: the one holding the focus (its submit button, or the field Enter was pressed in). */
export function formInUse(): HTMLFormElement | null {
  return document.activeElement instanceof HTMLElement ? document.activeElement.closest('form') : null;
}

/** Frames to wait for the complaint to render before giving up (about half a second). */
const GRACE_FRAMES = 30;

export function focusFirstInvalid(form: ParentNode | null = formInUse()): void {
  let frames = 0;
  const attempt = () => {
    const first = (form ?? document).querySelector<HTMLElement>(INVALID);
    if (!first) {
      if (++frames < GRACE_FRAMES) requestAnimationFrame(attempt);
      return;
    }
    first.focus({ preventScroll: true });
    first.scrollIntoView?.({ block: 'nearest' });
  };
  requestAnimationFrame(attempt);
}
