// Text an extension supplied, shown as text: control characters, terminal escapes, bidi overrides
// and zero-width characters appear as marked ⟨ESC⟩-style tokens (the contract's visibleText), so
// no name, path or log line can hide, reorder or imitate what the user reads.
import { hasHiddenCharacters, visibleText } from '../../../../app/contract/index.ts';

const MARK = /(⟨[A-Z0-9+]{2,8}⟩)/u;

export function ExtensionText({
  text,
  multiline = false,
  className,
}: {
  text: string;
  multiline?: boolean;
  className?: string;
}) {
  const shown = visibleText(text, { keepNewlines: multiline });
  if (!hasHiddenCharacters(multiline ? text.replaceAll('\n', '') : text))
    return <span className={className}>{shown}</span>;
  const parts = shown.split(MARK);
  return (
    <span className={className} data-hidden-characters="">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span className="hidden-char" key={i}>
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </span>
  );
}
