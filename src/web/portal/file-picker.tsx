// Choosing files to send (portal, web form): a button, the chosen files with their size, remove.
import { useId } from 'react';
import { formatBytes } from '../lib/format.js';
import type { PickedFile } from './files.js';

export function FilePicker(props: {
  files: PickedFile[];
  problem: string | null;
  hint: string;
  disabled?: boolean;
  onAdd(files: FileList): void;
  onRemove(key: string): void;
}) {
  const uid = useId();
  return (
    <div className={props.problem ? 'field field--invalid file-picker' : 'field file-picker'}>
      <span className="field__label" id={`${uid}-label`}>
        Attachments
      </span>
      {props.files.length > 0 && (
        <ul className="file-picker__files" aria-labelledby={`${uid}-label`}>
          {props.files.map((f) => (
            <li key={f.key} className="file-picker__file" data-testid="picked-file">
              <span>{f.file.name}</span>
              <span className="muted">{formatBytes(f.file.size)}</span>
              <button
                type="button"
                className="button button--ghost button--small"
                aria-label={`Remove ${f.file.name}`}
                onClick={() => props.onRemove(f.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="button button--small file-picker__add">
        <input
          type="file"
          multiple
          className="visually-hidden"
          disabled={props.disabled}
          aria-describedby={`${uid}-hint`}
          onChange={(e) => {
            if (e.target.files) props.onAdd(e.target.files);
            e.target.value = '';
          }}
          data-testid="file-input"
        />
        Add files
      </label>
      <span className="field__hint" id={`${uid}-hint`}>
        {props.hint}
      </span>
      {props.problem && (
        <span className="field__error" role="alert">
          {props.problem}
        </span>
      )}
    </div>
  );
}
