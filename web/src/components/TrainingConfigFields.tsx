import { useState } from 'react';
import type { TrainingConfig } from '../api';

// The training config keys a person sets. An empty field is left out, so an
// experiment gets the server's default and a run its experiment's value. The
// server checks the values (and its `detail` is shown); the UI keeps no ranges.
const FIELDS = [
  { key: 'regularization', label: 'Regularization', step: 'any', hint: 'how near the base config to stay' },
  { key: 'heldout_fraction', label: 'Held-out fraction', step: 'any', hint: 'share of the data kept for testing' },
  { key: 'steps', label: 'Steps', step: 1, hint: 'optimisation steps' },
] as const;
type Key = (typeof FIELDS)[number]['key'];

export function useTrainingConfig() {
  const [values, setValues] = useState<Record<Key, string>>({ regularization: '', heldout_fraction: '', steps: '' });
  return {
    values,
    set: (key: Key, value: string) => setValues((v) => ({ ...v, [key]: value })),
    reset: () => setValues({ regularization: '', heldout_fraction: '', steps: '' }),
    toConfig: (): TrainingConfig =>
      Object.fromEntries(FIELDS.filter((f) => values[f.key].trim() !== '').map((f) => [f.key, Number(values[f.key])])),
  };
}

export function TrainingConfigFields({ config, placeholders }: {
  config: ReturnType<typeof useTrainingConfig>; placeholders?: TrainingConfig;
}) {
  return (
    <>
      {FIELDS.map((f) => (
        <label key={f.key}>
          {f.label}
          <input type="number" step={f.step} value={config.values[f.key]}
            placeholder={placeholders?.[f.key] !== undefined ? String(placeholders[f.key]) : 'default'}
            onChange={(e) => config.set(f.key, e.target.value)} />
          <span className="hint">{f.hint}</span>
        </label>
      ))}
    </>
  );
}
