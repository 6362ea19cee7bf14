// The command palette (Ctrl+K): the commands enabled extensions contribute, searched as you type
// (a combobox over a listbox), then run with optional JSON arguments; the result or the error
// shows below.
import { useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { CommandView, MethodOutput } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { Modal } from '../common/Modal.tsx';
import { resultText } from './command-arguments.ts';
import { useCommandRun } from './use-command-run.ts';

export function CommandPalette() {
  const open = useCorral((s) => s.paletteOpen);
  return open ? <CommandPaletteDialog /> : null;
}

function CommandPaletteDialog() {
  const close = useCorral((s) => s.closePalette);
  const [chosen, setChosen] = useState<CommandView | null>(null);
  const id = useId();
  const search = useRef<HTMLInputElement>(null);
  return (
    <Modal
      labelledBy={`${id}-title`}
      onCancel={chosen ? () => setChosen(null) : close}
      initialFocus={search}
      className="palette"
    >
      <h2 id={`${id}-title`} className="palette-title">
        Commands
      </h2>
      {chosen ? (
        <RunCommand command={chosen} onBack={() => setChosen(null)} />
      ) : (
        <ChooseCommand inputRef={search} onChoose={setChosen} />
      )}
    </Modal>
  );
}

function matches(c: CommandView, query: string): boolean {
  const q = query.trim().toLowerCase();
  return (
    !q ||
    c.title.toLowerCase().includes(q) ||
    c.extensionName.toLowerCase().includes(q) ||
    c.command.toLowerCase().includes(q)
  );
}

function ChooseCommand({
  inputRef,
  onChoose,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  onChoose: (c: CommandView) => void;
}) {
  const commands = useCorral((s) => s.commands);
  const error = useCorral((s) => s.commandsError);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const shown = commands.filter((c) => matches(c, query));
  const current = Math.min(active, shown.length - 1);
  const optionId = (i: number) => `${id}-option-${i}`;
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(Math.min(shown.length - 1, Math.max(0, current + step)));
    } else if (event.key === 'Enter' && shown[current]) {
      event.preventDefault();
      onChoose(shown[current]);
    }
  };
  return (
    <div className="palette-choose">
      <input
        ref={inputRef}
        className="palette-search"
        role="combobox"
        aria-label="Search commands"
        autoFocus
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={shown.length ? optionId(current) : undefined}
        value={query}
        placeholder="Type to search the commands of your extensions"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ErrorLine error={error} />
      <ul className="palette-list" role="listbox" id={`${id}-list`} aria-label="Commands">
        {shown.map((c, i) => (
          <li
            key={`${c.extensionId}/${c.command}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'palette-option is-active' : 'palette-option'}
            onClick={() => onChoose(c)}
            onMouseMove={() => setActive(i)}
          >
            <ExtensionText className="palette-option-title" text={c.title} />
            <ExtensionText className="palette-option-ext muted" text={c.extensionName} />
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <p className="muted palette-empty">
          {commands.length === 0
            ? 'No enabled extension contributes a command.'
            : 'No command matches.'}
        </p>
      )}
    </div>
  );
}

type RunOutput = MethodOutput<'commands.run'>;

function RunCommand({ command, onBack }: { command: CommandView; onBack: () => void }) {
  const runCommand = useCorral((s) => s.runCommand);
  const [args, setArgs] = useState('');
  const { pending, error, value: outcome, run: runWith } = useCommandRun<RunOutput>();
  const id = useId();
  const argsRef = useRef<HTMLInputElement>(null);
  const run = () => runWith(args, (parsed) => runCommand(command, parsed));
  return (
    <form
      className="palette-run"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <h3 id={`${id}-title`}>
        <ExtensionText text={command.title} />
      </h3>
      <p className="muted">
        from <ExtensionText text={command.extensionName} /> ·{' '}
        <span className="mono">
          <ExtensionText text={command.command} />
        </span>
      </p>
      <label className="field">
        <span>Arguments (a JSON array, optional)</span>
        <input
          ref={argsRef}
          className="mono"
          value={args}
          autoFocus
          placeholder='["notes.md"]'
          onChange={(e) => setArgs(e.target.value)}
        />
      </label>
      <ErrorLine error={error} />
      <div className="form-buttons">
        <button type="button" className="button" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Running…' : 'Run'}
        </button>
      </div>
      {outcome && (
        <section className="palette-result" aria-labelledby={`${id}-result`}>
          <h4 id={`${id}-result`}>Result · {Math.round(outcome.durationMs)} ms</h4>
          <pre className="text-output" tabIndex={0}>
            <ExtensionText text={resultText(outcome.result)} multiline />
          </pre>
        </section>
      )}
    </form>
  );
}
