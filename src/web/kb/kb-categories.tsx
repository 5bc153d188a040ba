// Knowledge-base categories (admins): add, rename, reorder, delete when empty. A key is the
// category's name in help-center links and is never reused.
import { useState, type FormEvent } from 'react';
import { KbCategoryCreate, type KbCategory } from '../../shared/schemas/kb.js';
import { api, toApiError } from '../lib/api.js';
import { slugify } from '../../core/kb/language.js';

export function KbCategoriesPanel(props: { categories: KbCategory[] | undefined; onChanged(): void }) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shownKey = keyEdited ? key : slugify(name).slice(0, 50).replace(/-+$/, '');

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      props.onChanged();
      return true;
    } catch (err) {
      setError(toApiError(err).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    const position = (props.categories ?? []).reduce((max, c) => Math.max(max, c.position), 0) + 1;
    const parsed = KbCategoryCreate.safeParse({ key: shownKey, name, position });
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '));
      return;
    }
    if (await run(() => api.post('/kb/categories', parsed.data))) {
      setName('');
      setKey('');
      setKeyEdited(false);
    }
  }

  const sorted = props.categories ?? [];
  return (
    <section className="card" aria-labelledby="kb-categories-title" data-testid="kb-categories">
      <h2 id="kb-categories-title">Categories</h2>
      {sorted.length === 0 && <p className="muted">No categories yet.</p>}
      {sorted.length > 0 && (
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col" className="cell-number">
                Articles
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c, i) => (
              <tr key={c.id}>
                <td className="cell-primary">{c.name}</td>
                <td className="muted">{c.key}</td>
                <td className="cell-number">{c.articleCount}</td>
                <td className="cell-nowrap">
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Move ${c.name} up`}
                    disabled={busy || i === 0}
                    onClick={() => {
                      const above = sorted[i - 1]!;
                      void run(async () => {
                        await api.patch(`/kb/categories/${c.id}`, { position: above.position });
                        await api.patch(`/kb/categories/${above.id}`, {
                          position: c.position === above.position ? c.position + 1 : c.position,
                        });
                      });
                    }}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    disabled={busy}
                    onClick={() => {
                      const renamed = window.prompt(`New name for “${c.name}”`, c.name)?.trim();
                      if (renamed && renamed !== c.name)
                        void run(() => api.patch(`/kb/categories/${c.id}`, { name: renamed }));
                    }}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    disabled={busy || c.articleCount > 0}
                    title={c.articleCount > 0 ? 'Move or delete its articles first' : undefined}
                    onClick={() => {
                      if (window.confirm(`Delete the category “${c.name}”?`))
                        void run(() => api.delete(`/kb/categories/${c.id}`));
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form kb-category-form" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor="kb-cat-name">New category</label>
          <input
            type="text"
            id="kb-cat-name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="kb-cat-key">Key</label>
          <input
            type="text"
            id="kb-cat-key"
            value={shownKey}
            maxLength={50}
            onChange={(e) => {
              setKeyEdited(true);
              setKey(e.target.value);
            }}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
          Add category
        </button>
      </form>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
