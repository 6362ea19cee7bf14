// A whole-number field with its range, its help, and the range said instead when the value
// falls outside it.
import { useId } from 'react';

export function NumberField({
  label,
  value,
  min,
  max,
  unit,
  help,
  onChange,
}: {
  label: string;
  value: string;
  min: number;
  max: number;
  unit: string;
  help: string;
  onChange: (value: string) => void;
}) {
  const helpId = useId();
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        value={value}
        aria-invalid={!inRange(value, min, max)}
        aria-describedby={helpId}
        onChange={(e) => onChange(e.target.value)}
      />
      <small id={helpId}>
        {inRange(value, min, max) ? help : `A whole number of ${unit} from ${min} to ${max}.`}
      </small>
    </label>
  );
}

/** Whether `text` is a whole number within [min, max]. */
export function inRange(text: string, min: number, max: number): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
}
