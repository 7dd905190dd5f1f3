import type { Vocabulary } from '../api';

// Picks instruments from the server's list (GET /api/vocabulary), grouped by
// family: a drop-down adds one, each chosen instrument is a chip with a
// remove button. Until the vocabulary has loaded the drop-down is disabled.
export function InstrumentPicker({ label, value, onChange, vocabulary }: {
  label: string; value: string[]; onChange: (next: string[]) => void; vocabulary: Vocabulary | null;
}) {
  const max = vocabulary?.limits.instruments?.max;
  const full = max !== undefined && value.length >= max;
  return (
    <div className="field">
      <label>
        {label}
        <select value="" disabled={!vocabulary || full} onChange={(e) => e.target.value && onChange([...value, e.target.value])}>
          <option value="">{vocabulary ? (full ? `At most ${max}` : 'Add an instrument…') : 'Loading…'}</option>
          {vocabulary?.instrument_families.map((f) => (
            <optgroup key={f.id} label={f.label}>
              {vocabulary.instruments.filter((i) => i.family === f.id && !value.includes(i.name))
                .map((i) => <option key={i.name} value={i.name}>{i.name}</option>)}
            </optgroup>
          ))}
        </select>
      </label>
      {value.length > 0 && (
        <ul className="chips" aria-label={`${label} chosen`}>
          {value.map((i) => (
            <li key={i}>
              {i}
              <button type="button" aria-label={`Remove ${i}`} onClick={() => onChange(value.filter((v) => v !== i))}>×</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
