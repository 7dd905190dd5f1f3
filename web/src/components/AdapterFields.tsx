import { useState } from 'react';
import type { Adapter, AdapterConfigKey, AdapterInput } from '../api';
import { useVocabulary } from '../hooks';

// The editable fields of an adapter (name, description, style config as
// JSON), shared by the create form and the edit form. The config keys, with
// their ranges and defaults, come from GET /api/vocabulary; the server
// answers 422 naming the key when one is unknown or out of range.
export function useAdapterForm(initial?: Adapter) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [config, setConfig] = useState(initial ? JSON.stringify(initial.config, null, 2) : '{}');
  return {
    name, setName, description, setDescription, config, setConfig,
    reset: () => { setName(''); setDescription(''); setConfig('{}'); },
    // The request body, or an error message when the config is not a JSON object.
    toInput(): AdapterInput | string {
      let parsed: unknown;
      try {
        parsed = JSON.parse(config.trim() || '{}');
      } catch {
        return 'The style config is not valid JSON.';
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'The style config must be a JSON object.';
      return { name: name.trim(), description: description.trim() || null, config: parsed as Record<string, unknown> };
    },
  };
}

// "tempo_scale 0.5–2 (default 1)", "mode: major, minor, …".
function describeKey(k: AdapterConfigKey): string {
  if (k.min !== null && k.max !== null) return `${k.key} ${k.min}–${k.max}${k.default !== null ? ` (default ${k.default})` : ''}`;
  if (k.choices) return `${k.key}: ${k.choices.join(', ')}`;
  if (k.roles) return `${k.key}: {${k.roles.join(', ')}} → instrument`;
  return k.key;
}

export function AdapterFields({ form }: { form: ReturnType<typeof useAdapterForm> }) {
  const vocabulary = useVocabulary();
  return (
    <div className="grid two">
      <div className="stack">
        <label>
          Name
          <input value={form.name} onChange={(e) => form.setName(e.target.value)} required maxLength={vocabulary?.limits.name?.max} />
        </label>
        <label>
          Description
          <textarea value={form.description} onChange={(e) => form.setDescription(e.target.value)} rows={3}
            maxLength={vocabulary?.limits.description?.max} />
        </label>
      </div>
      <div className="stack">
        <label>
          Style config (JSON)
          <textarea className="mono" value={form.config} onChange={(e) => form.setConfig(e.target.value)} rows={6}
            spellCheck={false} />
          <span className="hint">
            e.g. {'{"swing": 0.3, "reverb": 0.6, "mode": "dorian"}'}
          </span>
        </label>
        {vocabulary && (
          <ul className="hint config-keys" aria-label="Known keys and ranges">
            {vocabulary.adapter_config.map((k) => <li key={k.key} title={k.description}>{describeKey(k)}</li>)}
          </ul>
        )}
      </div>
    </div>
  );
}
