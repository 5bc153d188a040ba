import { useEffect, useState, type FormEvent } from 'react';

const DEBOUNCE_MS = 300;

/**
 * A search field that searches as you type (after a pause) and on Enter. `value` is the search
 * in the address; when it changes from outside (Back button, "Clear filters") the field follows.
 */
export function SearchBox(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  maxLength: number;
  onSearch(text: string): void;
}) {
  const { value, onSearch } = props;
  const [text, setText] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (value !== committed) {
    setCommitted(value);
    setText(value);
  }

  useEffect(() => {
    if (text === committed) return;
    const timer = setTimeout(() => {
      setCommitted(text);
      onSearch(text);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, committed, onSearch]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (text === committed) return;
    setCommitted(text);
    onSearch(text);
  }

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor={props.id} className="visually-hidden">
        {props.label}
      </label>
      <svg className="search-box__icon" viewBox="0 0 20 20" aria-hidden="true">
        <path d="M8.5 3a5.5 5.5 0 0 1 4.38 8.83l3.65 3.64a.75.75 0 1 1-1.06 1.06l-3.64-3.65A5.5 5.5 0 1 1 8.5 3Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z" />
      </svg>
      <input
        id={props.id}
        type="search"
        placeholder={props.placeholder}
        autoComplete="off"
        spellCheck={false}
        maxLength={props.maxLength}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}
