// Entry of the start-up snapshot (dist/corral.blob): every command module is loaded and its
// schemas built once, at `npm install`, so each `corral` run starts from that ready heap instead
// of rebuilding them (zod schemas cost tens of milliseconds per start). Behaviour is entry.ts's.
import { startupSnapshot } from 'node:v8';
import './exec.ts';
import './run.ts';
import './lint.ts';
import './policy-compile.ts';
import { runCli } from './run-cli.ts';
import { parsePolicyDocument } from '../policy/manifest.ts';

// zod compiles a fast parser for each object schema on its first use; do that here, once, so the
// snapshot holds the compiled parsers too.
parsePolicyDocument(
  JSON.stringify({
    manifestVersion: 1,
    id: 'corral.warm-up',
    name: 'Warm-up',
    version: '1.0.0',
    publisher: 'corral',
    runtime: 'node',
    main: 'index.js',
    permissions: {
      fs: [{ path: '${workspace}', access: 'read' }],
      net: [{ host: 'example.com', ports: [443] }],
      ipc: [{ channel: 'warm.up', access: 'both' }],
      process: { spawn: false },
    },
    optionalPermissions: { fs: [{ path: '${downloads}', access: 'read' }] },
    limits: {
      memoryMB: 256,
      cpuPercent: 50,
      pids: 32,
      openFiles: 64,
      fileSizeMB: 8,
      timeoutMs: 1000,
    },
    contributes: { commands: [{ id: 'warm.up', title: 'Warm up' }] },
  }),
  'warm-up',
);
parsePolicyDocument(JSON.stringify({ permissions: {}, limits: {} }), 'warm-up');

startupSnapshot.setDeserializeMainFunction(() => {
  // A snapshot's process.argv has no script: [node, ...args].
  runCli(process.argv.slice(1));
});
