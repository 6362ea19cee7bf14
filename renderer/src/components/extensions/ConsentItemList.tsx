// What an extension may do, one plain sentence per item with its risk, whether it is optional
// (asked at run time) and the rule lines it stands for.
import type { ConsentItemView } from '../../../../app/contract/index.ts';
import { RiskBadge } from '../common/Badges.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { RuleList } from '../common/RuleList.tsx';

export function ConsentItemList({ items }: { items: readonly ConsentItemView[] }) {
  if (items.length === 0) return <p className="muted">Nothing: it runs with no access at all.</p>;
  return (
    <ul className="consent-list">
      {items.map((item, i) => (
        <ConsentItem key={i} item={item} />
      ))}
    </ul>
  );
}

export function ConsentItem({ item }: { item: ConsentItemView }) {
  return (
    <li className="consent-item">
      <ConsentItemBody item={item} />
    </li>
  );
}

/** The sentence, badges, rule lines and notes of one item, for lists that add their own parts. */
export function ConsentItemBody({
  item,
  sentenceId,
}: {
  item: ConsentItemView;
  sentenceId?: string;
}) {
  return (
    <div className="consent-body">
      <p className="consent-sentence" id={sentenceId}>
        <ExtensionText text={item.sentence} />
      </p>
      <div className="consent-badges">
        <RiskBadge risk={item.risk} />
        {item.optional && <span className="badge tag">Optional: asked when needed</span>}
      </div>
      {item.rules.length > 0 && <RuleList rules={item.rules} />}
      {item.notes.map((note, i) => (
        <p key={i} className="consent-note">
          <ExtensionText text={note} />
        </p>
      ))}
    </div>
  );
}
