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
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
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
    </div>
  );
}

/** Whether `text` is a whole number within [min, max]. */
export function inRange(text: string, min: number, max: number): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
}
