// A menu that folds behind a button on narrow screens (the main navigation, the administration's
// menu): open until a link in it is followed, Escape is pressed or a click lands outside it. Wide
// screens show the menu whatever the state; the stylesheet decides.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useLocation } from 'react-router-dom';

export function useFoldingMenu<T extends HTMLElement>() {
  const { pathname } = useLocation();
  // Open on the screen where it was opened: any way to another screen (a link, Back) folds it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  /** Holds the button and the menu: a click elsewhere folds the menu. */
  const frameRef = useRef<T>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpenOn(null);
      buttonRef.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!frameRef.current?.contains(e.target as Node)) setOpenOn(null);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return {
    open,
    frameRef,
    buttonRef,
    toggle: () => setOpenOn(open ? null : pathname),
    /** For the menu's onClick: following a link folds it, that of the screen shown too. */
    foldOnLink: (e: MouseEvent) => {
      if ((e.target as Element).closest('a')) setOpenOn(null);
    },
  };
}
