import { useEffect, useRef } from 'react';

/**
 * Returns a ref for a heading (give it tabIndex={-1}) that receives focus whenever `key` changes,
 * but not on the first render, so screen reader users hear the new step's title and keyboard
 * users continue from there. The page also scrolls back to the top, as after a page load.
 */
export function useFocusOnChange<T extends HTMLElement>(key: unknown) {
  const ref = useRef<T>(null);
  const previous = useRef(key);
  useEffect(() => {
    if (Object.is(previous.current, key)) return;
    previous.current = key;
    window.scrollTo({ top: 0 });
    ref.current?.focus({ preventScroll: true });
  }, [key]);
  return ref;
}
