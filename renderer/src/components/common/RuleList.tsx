// Rule lines ("read ${downloads}") as the policy records them, one per line.
import { ExtensionText } from './ExtensionText.tsx';

export function RuleList({ rules }: { rules: readonly string[] }) {
  return (
    <ul className="rule-list">
      {rules.map((rule, i) => (
        <li key={i} className="mono">
          <ExtensionText text={rule} />
        </li>
      ))}
    </ul>
  );
}
