// The extension's terminal in a debug session: what its pty printed (filtered by the host, drawn
// by terminal-screen.ts, never as HTML), and keys typed into it sent as a terminal sends them.
// The sandbox still applies: the keys reach a program confined as in production. A line form
// beside it types a whole line, for keyboard and screen-reader users alike.
import { useEffect, useRef, useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { EMPTY_SCREEN, keyBytes } from '../../store/terminal-screen.ts';

export function DevTerminal({ session, name }: { session: string; name: string }) {
  const screen = useCorral((s) => s.devScreens[session] ?? EMPTY_SCREEN);
  const type = useHostAction(useCorral((s) => s.typeIntoDev));
  const [line, setLine] = useState('');
  const box = useRef<HTMLDivElement>(null);
  // Follows the output, as a terminal does (synchronising with the page, not with state). Only
  // the terminal scrolls, never the page; and the effect returns nothing: Chromium's scroll
  // methods now return a promise, which React would call as a clean-up and crash the window on.
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [screen]);
  return (
    <div className="dev-terminal-box">
      <div
        ref={box}
        className="dev-terminal mono"
        role="log"
        aria-label={`Terminal of ${name}`}
        aria-describedby={`dev-${session}-keys`}
        tabIndex={0}
        onKeyDown={(e) => {
          const bytes = keyBytes(e);
          if (bytes === null) return;
          e.preventDefault();
          void type.run(session, bytes);
        }}
        onPaste={(e) => {
          const text = e.clipboardData.getData('text');
          if (!text) return;
          e.preventDefault();
          void type.run(session, text.slice(0, 4096));
        }}
      >
        {screen.lines.map((l, i) => (
          <div key={i} className="dev-terminal-line">
            <ExtensionText text={l} />
          </div>
        ))}
      </div>
      <p id={`dev-${session}-keys`} className="muted">
        Keys typed in the terminal go to the extension, confined as in production.
      </p>
      <form
        className="dev-line"
        aria-label={`Type a line into ${name}`}
        onSubmit={(e) => {
          e.preventDefault();
          void type.run(session, `${line}\r`).then((failed) => failed ?? setLine(''));
        }}
      >
        <label className="field field-inline field-grow">
          <span>Line</span>
          <input value={line} maxLength={4000} onChange={(e) => setLine(e.target.value)} />
        </label>
        <button type="submit" className="button" disabled={type.pending}>
          Send
        </button>
      </form>
      <ErrorLine error={type.error} />
    </div>
  );
}
