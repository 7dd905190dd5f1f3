import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, type Adapter } from '../api';
import { DeleteAdapterButton } from '../components/DeleteButtons';
import { useUndo } from '../components/UndoNotice';
import { AdapterFields, useAdapterForm } from '../components/AdapterFields';
import { age } from '../format';

// Live adapters: the active toggle, open, delete, and a form to create one.
export function AdaptersPage() {
  const [adapters, setAdapters] = useState<Adapter[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const { restoredCount } = useUndo();
  // restoredCount: an Undo brought an adapter back, so the list loads again.
  const reload = useCallback(() => {
    api.listAdapters().then((r) => { setAdapters(r.items); setError(null); }, (e) => setError(errorText(e)));
  }, [restoredCount]);
  useEffect(reload, [reload]);

  async function toggle(a: Adapter) {
    try {
      await api.updateAdapter(a.id, { is_active: !a.is_active });
    } catch (e) {
      setError(errorText(e));
    }
    reload();
  }

  return (
    <>
      <h1>Adapters</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {adapters === null ? <p className="muted">Loading adapters…</p>
        : adapters.length === 0 ? <p className="empty">No adapters yet. Create one below.</p>
        : (
          <table className="table">
            <thead><tr><th>Name</th><th>Description</th><th>Status</th><th>Active</th><th>Updated</th><th /></tr></thead>
            <tbody>
              {adapters.map((a) => (
                <tr key={a.id}>
                  <td><Link to={`/adapters/${a.id}`}>{a.name}</Link></td>
                  <td>{a.description || <span className="muted">—</span>}</td>
                  <td>{a.status}</td>
                  <td>
                    <label className="switch">
                      <input type="checkbox" checked={a.is_active} onChange={() => toggle(a)} aria-label={`${a.name} active`} />
                      {a.is_active ? 'active' : 'inactive'}
                    </label>
                  </td>
                  <td title={a.updated_at}>{age(a.updated_at)}</td>
                  <td><div className="row-actions">
                    <Link to={`/adapters/${a.id}`}>Open</Link>
                    <DeleteAdapterButton adapterId={a.id} onDeleted={reload} />
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <CreateAdapter onCreated={reload} />
    </>
  );
}

function CreateAdapter({ onCreated }: { onCreated: () => void }) {
  const form = useAdapterForm();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setMessage(null);
    const input = form.toInput();
    if (typeof input === 'string') return setMessage({ text: input, error: true });
    setBusy(true);
    try {
      const created = await api.createAdapter(input);
      form.reset();
      setMessage({ text: `Adapter “${created.name}” created.` });
      onCreated();
    } catch (err) {
      setMessage({ text: errorText(err), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Create adapter">
      <h2>Create an adapter</h2>
      <AdapterFields form={form} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>Create adapter</button>
        {message && <span className={message.error ? 'error inline' : 'ok inline'} role="status">{message.text}</span>}
      </div>
    </form>
  );
}
