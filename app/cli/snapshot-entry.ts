// Entry of the start-up snapshot (dist/corral.blob): the pure schema modules are loaded and their
// zod schemas built once, at `npm install`, so each `corral` run starts from that ready heap instead
// of rebuilding them (tens of milliseconds per start). Only pure modules go in: Node does not vouch
// for built-in modules such as child_process or http inside a snapshot, so the commands (which use
// them) load after start-up, as in entry.ts. Behaviour is entry.ts's.
import { startupSnapshot } from 'node:v8';
import '../protocol/methods.ts';
import { sandboxPlanSchema } from '../sandbox/plan.ts';
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
sandboxPlanSchema.parse({
  mode: 'full',
  mounts: [{ path: '/usr', access: 'ro' }],
  symlinks: [{ path: '/bin', target: 'usr/bin' }],
  execPaths: ['/usr/bin/true'],
  spawn: false,
  tmpfs: ['/tmp'],
  cwd: '/tmp',
  env: { PATH: '/usr/bin' },
  keepFds: [],
  limits: { memoryBytes: 1, cpuPercent: 1, pids: 1, openFiles: 8, fileSizeBytes: 1, timeoutMs: 1 },
});

startupSnapshot.setDeserializeMainFunction(() => {
  // A snapshot's process.argv has no script: [node, ...args].
  runCli(process.argv.slice(1));
});
