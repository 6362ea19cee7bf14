// The Access log's filters: extension, layer, kind, decision and free text (matched against the
// operation, the target and the reason), applied by the host to what it reads and here to what
// streams in.
import { useEffect, useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { AUDIT_KINDS, AUDIT_LAYERS, type AuditLayer } from '../../store/audit-window.ts';

const LAYER_WORDS: Record<AuditLayer, string> = {
  broker: 'Broker (requests it made)',
  kernel: 'Kernel (the sandbox refused)',
  host: 'Host (lifecycle, prompts)',
};

/** How long typing pauses before the search is sent. */
const TYPING_MS = 300;

export function AccessLogFilters() {
  const filter = useCorral((s) => s.auditFilter);
  const extensions = useCorral((s) => s.extensions);
  const setFilter = useCorral((s) => s.setAuditFilter);
  const [text, setText] = useState(filter.text);
  useEffect(() => {
    if (text === filter.text) return;
    const timer = setTimeout(() => void setFilter({ text }), TYPING_MS);
    return () => clearTimeout(timer);
  }, [text, filter.text, setFilter]);

  return (
    <div role="search" className="filters" aria-label="Filter the Access log">
      <FilterSelect
        label="Extension"
        value={filter.ext}
        all="All extensions"
        options={extensions.map((x) => [x.id, x.id])}
        onChange={(v) => void setFilter({ ext: v })}
      />
      <FilterSelect
        label="Layer"
        value={filter.layer}
        all="All layers"
        options={AUDIT_LAYERS.map((l) => [l, LAYER_WORDS[l]])}
        onChange={(v) => void setFilter({ layer: v })}
      />
      <FilterSelect
        label="Kind"
        value={filter.kind}
        all="All kinds"
        options={AUDIT_KINDS.map((k) => [k, k])}
        onChange={(v) => void setFilter({ kind: v })}
      />
      <FilterSelect
        label="Decision"
        value={filter.decision}
        all="Allowed and denied"
        options={[
          ['allow', 'Allowed'],
          ['deny', 'Denied'],
        ]}
        onChange={(v) => void setFilter({ decision: v })}
      />
      <label className="field field-inline field-grow">
        <span>Search</span>
        <input
          type="search"
          value={text}
          maxLength={200}
          placeholder="Operation, target or reason"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
    </div>
  );
}

/** One filter: "all" (no filter) or one of `options` ([value, words]). */
function FilterSelect<V extends string>({
  label,
  value,
  all,
  options,
  onChange,
}: {
  label: string;
  value: V | undefined;
  all: string;
  options: readonly (readonly [V, string])[];
  onChange: (value: V | undefined) => void;
}) {
  return (
    <label className="field field-inline">
      <span>{label}</span>
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : (e.target.value as V))}
      >
        <option value="">{all}</option>
        {options.map(([v, words]) => (
          <option key={v} value={v}>
            {words}
          </option>
        ))}
      </select>
    </label>
  );
}
