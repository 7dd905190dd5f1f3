import { useState } from 'react';
import type { Adapter, AdapterInput } from '../api';

// The editable fields of an adapter (name, description, style config as
// JSON), shared by the create form and the edit form. The config keys are
// the engine's style parameters (src/engine/adapter_style.h); the server
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

export function AdapterFields({ form }: { form: ReturnType<typeof useAdapterForm> }) {
  return (
    <div className="grid two">
      <div className="stack">
        <label>
          Name
          <input value={form.name} onChange={(e) => form.setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Description
          <textarea value={form.description} onChange={(e) => form.setDescription(e.target.value)} rows={3} />
        </label>
      </div>
      <label>
        Style config (JSON)
        <textarea className="mono" value={form.config} onChange={(e) => form.setConfig(e.target.value)} rows={6}
          spellCheck={false} />
        <span className="hint">
          Keys: tempo_scale, transpose, swing, note_density, velocity_scale, reverb, chorus, mode, instrument_overrides —
          e.g. {'{"swing": 0.3, "reverb": 0.6, "mode": "dorian"}'}
        </span>
      </label>
    </div>
  );
}
