import { INSTRUMENT_FAMILIES } from '../instruments';

// Picks instruments from the server's allowed list: a grouped drop-down adds
// one, each chosen instrument is a chip with a remove button.
export function InstrumentPicker({ label, value, onChange }: {
  label: string; value: string[]; onChange: (next: string[]) => void;
}) {
  return (
    <div className="field">
      <label>
        {label}
        <select value="" onChange={(e) => e.target.value && onChange([...value, e.target.value])}>
          <option value="">Add an instrument…</option>
          {INSTRUMENT_FAMILIES.map((g) => (
            <optgroup key={g.family} label={g.family}>
              {g.instruments.filter((i) => !value.includes(i)).map((i) => <option key={i} value={i}>{i}</option>)}
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
