// Runs one of the extension's commands in its debug session: a command its manifest declares,
// arguments as a JSON array checked before they leave, and the result or the one-line refusal
// (the host's, the sandbox's or the extension's) shown under the form.
import { useId, useState } from 'react';
import { visibleText, type DevSessionView } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { resultText } from '../commands/command-arguments.ts';
import { useCommandRun } from '../commands/use-command-run.ts';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';

/** What a run answered, and for which command (the form may have moved on to another). */
type Outcome = { command: string; result: unknown };

export function DevCommandForm({ session, name }: { session: DevSessionView; name: string }) {
  const runDevCommand = useCorral((s) => s.runDevCommand);
  const [picked, setPicked] = useState('');
  const [args, setArgs] = useState('');
  const { pending, error, value: outcome, run: runWith } = useCommandRun<Outcome>();
  const id = useId();
  if (session.commands.length === 0)
    return <p className="muted">This extension declares no command to run.</p>;
  // A reload may change the manifest's commands: what was picked stays only while it exists.
  const command = session.commands.some((c) => c.id === picked) ? picked : session.commands[0]!.id;
  const run = () =>
    runWith(args, async (parsed) => {
      const result = await runDevCommand(session.id, command, parsed);
      return result.ok ? { ok: true, value: { command, result: result.value.result } } : result;
    });
  return (
    <form
      className="dev-command"
      aria-label={`Run a command of ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <div className="dev-command-fields">
        <label className="field field-inline">
          <span>Command</span>
          <select value={command} onChange={(e) => setPicked(e.target.value)}>
            {session.commands.map((c) => (
              <option key={c.id} value={c.id}>
                {/* An <option> holds text only: the marked form of the extension's words. */}
                {visibleText(`${c.title} (${c.id})`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline field-grow">
          <span>Arguments (a JSON array, optional)</span>
          <input
            className="mono"
            value={args}
            placeholder='["notes.md"]'
            onChange={(e) => setArgs(e.target.value)}
          />
        </label>
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Running…' : 'Run'}
        </button>
      </div>
      <ErrorLine error={error} />
      {outcome && (
        <section className="dev-command-result" aria-labelledby={`${id}-result`}>
          <h4 id={`${id}-result`}>
            Result of <ExtensionText text={outcome.command} />
          </h4>
          <pre className="text-output" tabIndex={0}>
            <ExtensionText text={resultText(outcome.result)} multiline />
          </pre>
        </section>
      )}
    </form>
  );
}
