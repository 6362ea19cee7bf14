// A CliIO for calling commands in-process: captured output, no terminal, and signals a test sends.
import { PassThrough } from 'node:stream';
import { untilStopSignal, type CliIO } from '../../../app/cli/io.ts';
import { createServices, type Services } from '../../../app/service/services.ts';

export interface FakeIO {
  io: CliIO;
  /** A services root on `env` (its parts open only when a command asks for them). */
  services: Services;
  stdout(): string;
  stderr(): string;
  /** Delivers `signal` to every handler the command registered with io.onSignal. */
  signal(signal: NodeJS.Signals): void;
  /** Handlers registered and not yet removed (a command must remove its own). */
  listening(): number;
}

/** A fresh FakeIO in `cwd` with `env`. */
export function fakeIO(cwd: string, env: NodeJS.ProcessEnv = {}): FakeIO {
  let stdout = '';
  let stderr = '';
  const handlers = new Set<{
    signals: readonly NodeJS.Signals[];
    run: (s: NodeJS.Signals) => void;
  }>();
  const stdin = new PassThrough();
  const onSignal: CliIO['onSignal'] = (signals, run) => {
    const entry = { signals, run };
    handlers.add(entry);
    return () => void handlers.delete(entry);
  };
  return {
    io: {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      stdin,
      onSignal,
      cwd,
      env,
      untilSignal: () => untilStopSignal(onSignal),
    },
    services: createServices({ env }),
    stdout: () => stdout,
    stderr: () => stderr,
    signal: (signal) => {
      for (const h of [...handlers]) if (h.signals.includes(signal)) h.run(signal);
    },
    listening: () => handlers.size,
  };
}

/** A command's last two arguments for `fake`: its io and its services. */
export function ioOf(fake: FakeIO): [CliIO, Services] {
  return [fake.io, fake.services];
}
