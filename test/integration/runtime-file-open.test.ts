// Protocol version 2's fs/open against the real helper (as root and as nobody): a large read
// through a descriptor gives the file's exact bytes in both SDKs, a refusal is the same refusal
// (and the same audit event) as fs/read's, a version 1 extension still works and has no fs/open,
// and the descriptor handed over reads the file and does nothing else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  runAs,
  stageRuntime,
  startExtension,
  type Running,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import type { AuditEvent } from '../../app/audit-event/event.ts';
import type { PromptService } from '../../app/runtime/prompts.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const MiB = 1024 * 1024;

let stage: RuntimeStage;
let ws: string;
let documents: string;
let big: string;
let bigDigest: string;
let secret: string;
let pyDir: string;
let nodeDir: string;

const allowOnce: PromptService = { ask: async () => 'allow-once' };

before(async () => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  documents = stage.dir('home/Documents');
  // 24 MiB: three times what fs/read carries, so only a descriptor can bring it.
  const bytes = randomBytes(24 * MiB);
  big = join(ws, 'big.bin');
  writeFileSync(big, bytes);
  bigDigest = createHash('sha256').update(bytes).digest('hex');
  stage.file('ws/small.txt', 'small and plain\n');
  writeFileSync(join(ws, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café", not UTF-8
  stage.file('home/Documents/notes.txt', 'asked for, and allowed once\n');
  secret = join(stage.dir('outside'), 'secret.txt');
  writeFileSync(secret, 'the host secret\n');
  pyDir = join(stage.root, 'ext', 'file-open-py');
  cpSync(join(fixtures, 'file-open-py'), pyDir, { recursive: true });
  nodeDir = join(stage.root, 'ext', 'file-open-node');
  cpSync(join(fixtures, 'file-open-node', 'corral.json'), join(nodeDir, 'corral.json'));
  await build({
    entryPoints: [join(fixtures, 'file-open-node', 'src', 'index.ts')],
    outfile: join(nodeDir, 'dist', 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  spawnSync('chmod', ['-R', 'a+rX', join(stage.root, 'ext'), ws, documents]);
});

after(() => stage.close());

async function start(dir: string, runName: string, patch?: (m: Record<string, unknown>) => void) {
  if (patch) {
    const file = join(dir, 'corral.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    patch(manifest);
    writeFileSync(file, JSON.stringify(manifest, null, 2));
  }
  return startExtension(stage, dir, {
    workspace: ws,
    runName,
    prompts: allowOnce,
    vars: { home: stage.dir('home'), documents, downloads: stage.dir('home/Downloads') },
  });
}

/** The broker's events about `target`, without what differs from run to run. */
function about(r: Running, target: string) {
  return r.events
    .filter((e: AuditEvent) => e.target === target && e.layer === 'broker')
    .map(({ kind, op, decision, outcome, reason }) => ({ kind, op, decision, outcome, reason }));
}

describe(`[${runAs}] fs/open: protocol version 2 reads through a read-only descriptor`, () => {
  let v2: Running;
  let v1: Running;
  let node: Running;

  before(async () => {
    cpSync(pyDir, `${pyDir}-v1`, { recursive: true });
    v2 = await start(pyDir, 'file-open-py');
    v1 = await start(`${pyDir}-v1`, 'file-open-py-v1', (m) => (m.main = 'main_v1.py'));
    node = await start(nodeDir, 'file-open-node');
  });

  test('the version is negotiated: the SDKs take 2 when offered; an extension that answers {} speaks 1', () => {
    assert.equal(v2.host.protocol, 2);
    assert.equal(node.host.protocol, 2);
    assert.equal(v1.host.protocol, 1);
  });

  test('a 24 MiB read gives the exact bytes, in Python and in Node; version 1 is refused at 8 MiB as before', async () => {
    assert.deepEqual(await v2.host.execute('files.digest', [big]), {
      sha256: bigDigest,
      bytes: 24 * MiB,
    });
    assert.deepEqual(await node.host.execute('files.digest', [big]), {
      sha256: bigDigest,
      bytes: 24 * MiB,
    });
    const refused = (await v1.host.execute('files.readError', [big])) as { code: number };
    assert.equal(refused.code, -32003, 'fs/read keeps its limit');
    // Positive control for the version 1 path: a small file reads there.
    assert.equal(await v1.host.execute('files.readError', [join(ws, 'small.txt')]), null);
  });

  test('a refusal is the same refusal, audited the same, as fs/read', async () => {
    for (const path of [secret, join(ws, 'nothing-here.txt'), join(ws, 'latin1.txt')]) {
      const viaOpen = await v2.host.execute('files.readError', [path]);
      const viaRead = await v1.host.execute('files.readError', [path]);
      assert.ok(viaRead !== null, `${path} is refused by fs/read`);
      assert.deepEqual(viaOpen, viaRead, path);
      assert.deepEqual(await node.host.execute('files.readError', [path]), viaRead, path);
    }
    const openDenied = about(v2, secret);
    assert.equal(openDenied.length, 1);
    assert.equal(openDenied[0]!.decision, 'deny');
    assert.deepEqual(openDenied, about(v1, secret));
    // An allowed read is one event too, the same for both ways.
    const small = join(ws, 'small.txt');
    await v2.host.execute('files.readError', [small]);
    assert.deepEqual(about(v2, small), about(v1, small));
    assert.equal(about(v2, small)[0]!.decision, 'allow');
  });

  test('a version 1 run has no fs/open: unknown method, as before version 2', async () => {
    const answer = (await v1.host.execute('files.rawOpen', [join(ws, 'small.txt')])) as {
      code: number;
    };
    assert.equal(answer.code, -32601);
    // Positive control: the same call in a version 2 run is answered.
    const opened = (await v2.host.execute('files.rawOpen', [join(ws, 'small.txt')])) as {
      size: number;
    };
    assert.equal(opened.size, 'small and plain\n'.length);
  });

  test('the descriptor reads and does nothing else, even for a file the sandbox cannot see', async () => {
    // ${documents} is an optional grant, allowed by the user: the broker reads it for the
    // extension, the sandbox has no mount or rule of its own for it.
    const notes = join(documents, 'notes.txt');
    const before = readFileSync(notes);
    const mode = spawnSync('stat', ['-c', '%a %u %Y', notes], { encoding: 'utf8' }).stdout;
    const own = stage.ownDir('run/file-open-py/data');
    const tried = (await v2.host.execute('files.escape', [notes, own])) as Record<string, string>;
    assert.equal(tried.read, 'ok', 'the descriptor reads the file');
    assert.equal(tried['fchmod own file'], 'ALLOWED', 'fchmod itself is not refused wholesale');
    const escapes = Object.entries(tried).filter(
      ([what, how]) => what !== 'read' && what !== 'fchmod own file' && how === 'ALLOWED',
    );
    assert.deepEqual(escapes, [], JSON.stringify(tried));
    for (const metadata of ['fchmod', 'fchown', 'futimens', 'fsetxattr'])
      assert.equal(tried[metadata], 'refused EROFS', `${metadata}: ${tried[metadata]}`);
    assert.match(tried['openat relative']!, /refused ENOTDIR/);
    assert.deepEqual(readFileSync(notes), before, 'the file is unchanged');
    assert.equal(
      spawnSync('stat', ['-c', '%a %u %Y', notes], { encoding: 'utf8' }).stdout,
      mode,
      'its mode, owner and time are unchanged',
    );
  });
});
