// One test per decision case: what an extension is allowed, asked about or refused, and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDecider, decide, type PolicyRequest } from '../../../app/policy/decide.ts';
import { compiled } from './support.ts';

const policy = compiled(
  {
    fs: [
      { path: '${workspace}', access: 'read' },
      { path: '${documents}/reports', access: 'write' },
      { path: '${workspace}/out', access: 'write' },
    ],
    net: [
      { host: 'api.github.com', ports: [443] },
      { host: '*.githubusercontent.com' },
      { host: '10.1.2.3', ports: [8443] },
      { host: '2001:db8::1' },
      { host: 'münchen.de' },
      { host: 'localhost', ports: [3000, 3001] },
    ],
    ipc: [
      { channel: 'wordcount.updates', access: 'publish' },
      { channel: 'editor.selection', access: 'subscribe' },
      { channel: 'chat.room', access: 'both' },
    ],
  },
  {
    fs: [{ path: '${downloads}', access: 'read' }],
    net: [{ host: 'uploads.example.com' }],
    ipc: [{ channel: 'wordcount.updates', access: 'subscribe' }],
    process: { spawn: true },
  },
);

const fs = (op: 'read' | 'write' | 'list' | 'stat', path: string): PolicyRequest => ({
  kind: 'fs',
  op,
  path,
});
const net = (host: string, port = 443): PolicyRequest => ({ kind: 'net', host, port });
const ipc = (channel: string, direction: 'publish' | 'subscribe'): PolicyRequest => ({
  kind: 'ipc',
  channel,
  direction,
});

function check(request: PolicyRequest, decision: string, reason: string | RegExp): void {
  const d = decide(policy, request);
  assert.equal(d.decision, decision, `${JSON.stringify(request)} → ${JSON.stringify(d)}`);
  if (typeof reason === 'string') assert.equal(d.reason, reason);
  else assert.match(d.reason, reason);
}

test('fs: a file inside a read grant may be read, listed and stat-ed', () => {
  check(fs('read', '/home/u/project/README.md'), 'allow', 'grant fs[0]');
  check(fs('list', '/home/u/project'), 'allow', 'grant fs[0]');
  check(fs('stat', '/home/u/project/src/a.ts'), 'allow', 'grant fs[0]');
});

test('fs: writing under a read-only grant is denied, naming the read-only grant', () => {
  check(
    fs('write', '/home/u/project/README.md'),
    'deny',
    'no grant allows writing /home/u/project/README.md (fs[0] is read-only)',
  );
});

test('fs: the deepest grant decides, so a write grant inside a read grant allows writing there', () => {
  check(fs('write', '/home/u/project/out/report.txt'), 'allow', 'grant fs[2]');
  check(fs('read', '/home/u/project/out/report.txt'), 'allow', 'grant fs[2]');
});

test('fs: write implies read', () => {
  check(fs('read', '/home/u/Documents/reports/q1.md'), 'allow', 'grant fs[1]');
  check(fs('write', '/home/u/Documents/reports/q1.md'), 'allow', 'grant fs[1]');
});

test('fs: a grant covers the folder itself but not its parent or a sibling with the same prefix', () => {
  check(fs('stat', '/home/u/Documents'), 'deny', 'no grant covers /home/u/Documents');
  check(
    fs('read', '/home/u/project-secrets/key'),
    'deny',
    'no grant covers /home/u/project-secrets/key',
  );
  check(
    fs('read', '/home/u/Documents/reports2'),
    'deny',
    'no grant covers /home/u/Documents/reports2',
  );
});

test('fs: an optional grant prompts; anything in neither list is denied without a prompt', () => {
  check(fs('read', '/home/u/Downloads/a.pdf'), 'prompt', 'optional fs[0]');
  check(fs('write', '/home/u/Downloads/a.pdf'), 'deny', 'no grant covers /home/u/Downloads/a.pdf');
  check(fs('read', '/home/u/.ssh/id_ed25519'), 'deny', 'no grant covers /home/u/.ssh/id_ed25519');
});

test('fs: ${extensionData} and ${tmp} are always granted read-write', () => {
  check(
    fs('write', '/home/u/.local/share/corral/data/acme.x/cache.json'),
    'allow',
    'grant extensionData',
  );
  check(fs('write', '/tmp/corral-acme.x/scratch'), 'allow', 'grant tmp');
  check(fs('read', '/tmp/other'), 'deny', 'no grant covers /tmp/other');
});

test('fs: spellings with "./", "//" and a trailing "/" are the same path', () => {
  check(fs('read', '/home/u//project/./src/'), 'allow', 'grant fs[0]');
  check(fs('write', '/home/u/project//out/'), 'allow', 'grant fs[2]');
});

test('fs: ".." and relative paths are denied (the host resolves real paths first)', () => {
  check(
    fs('read', '/home/u/project/../.ssh/id_rsa'),
    'deny',
    /not an absolute path without "\.\."/,
  );
  check(fs('read', 'project/README.md'), 'deny', /not an absolute path/);
  check(fs('read', ''), 'deny', /not an absolute path/);
  check(fs('read', '/home/u/project/\0x'), 'deny', /not an absolute path/);
});

test('fs: case and Unicode are compared exactly, so a look-alike of a granted folder is not granted', () => {
  check(
    fs('read', '/home/u/PROJECT/README.md'),
    'deny',
    'no grant covers /home/u/PROJECT/README.md',
  );
  check(fs('read', '/home/u/pr\u043eject/README.md'), 'deny', /^no grant covers/); // Cyrillic о
});

test('net: an exact host on a granted port is allowed; another port is denied', () => {
  check(net('api.github.com'), 'allow', 'grant net[0]');
  check(net('api.github.com', 80), 'deny', 'no grant covers api.github.com:80');
});

test('net: ports default to 443', () => {
  check(net('raw.githubusercontent.com'), 'allow', 'grant net[1]');
  check(
    net('raw.githubusercontent.com', 8443),
    'deny',
    'no grant covers raw.githubusercontent.com:8443',
  );
});

test('net: "*." matches subdomains at any depth, never the apex', () => {
  check(net('a.b.githubusercontent.com'), 'allow', 'grant net[1]');
  check(net('githubusercontent.com'), 'deny', 'no grant covers githubusercontent.com:443');
});

test('net: no suffix tricks', () => {
  check(net('evilgithubusercontent.com'), 'deny', 'no grant covers evilgithubusercontent.com:443');
  check(net('githubusercontent.com.evil.com'), 'deny', /^no grant covers/);
  check(net('api.github.com.evil.com'), 'deny', /^no grant covers/);
  check(net('xapi.github.com'), 'deny', /^no grant covers/);
});

test('net: case and one trailing dot do not matter', () => {
  check(net('API.GitHub.COM'), 'allow', 'grant net[0]');
  check(net('api.github.com.'), 'allow', 'grant net[0]');
  check(net('api.github.com..'), 'deny', /is not a host name/);
});

test('net: IDN hosts match their punycode form, either way round', () => {
  check(net('münchen.de'), 'allow', 'grant net[4]');
  check(net('xn--mnchen-3ya.de'), 'allow', 'grant net[4]');
  check(net('MÜNCHEN.de'), 'allow', 'grant net[4]');
});

test('net: IPv4 literals, including the spellings resolvers accept', () => {
  check(net('10.1.2.3', 8443), 'allow', 'grant net[2]');
  check(net('0x0a.1.2.3', 8443), 'allow', 'grant net[2]');
  check(net('167838211', 8443), 'allow', 'grant net[2]');
  check(net('10.1.2.4', 8443), 'deny', 'no grant covers 10.1.2.4:8443');
});

test('net: IPv6 literals in any spelling, and v4-mapped IPv6 as the IPv4 address', () => {
  check(net('2001:db8::1'), 'allow', 'grant net[3]');
  check(net('[2001:DB8:0:0:0:0:0:1]'), 'allow', 'grant net[3]');
  check(net('::ffff:10.1.2.3', 8443), 'allow', 'grant net[2]');
  check(net('[::ffff:a01:203]', 8443), 'allow', 'grant net[2]');
  check(net('::1'), 'deny', 'no grant covers [::1]:443');
});

test('net: a host grant lists its ports; each is allowed', () => {
  check(net('localhost', 3000), 'allow', 'grant net[5]');
  check(net('localhost', 3001), 'allow', 'grant net[5]');
  check(net('localhost', 3002), 'deny', 'no grant covers localhost:3002');
  check(net('127.0.0.1', 3000), 'deny', 'no grant covers 127.0.0.1:3000');
});

test('net: invalid hosts and ports are denied, not guessed at', () => {
  check(net('user@api.github.com'), 'deny', /is not a host name/);
  check(net('api.github.com/x'), 'deny', /is not a host name/);
  check(net('*.githubusercontent.com'), 'deny', /is not a host name/);
  check(net('api.github.com', 0), 'deny', '0 is not a TCP port');
  check(net('api.github.com', 65536), 'deny', '65536 is not a TCP port');
  check(net('api.github.com', 443.5), 'deny', '443.5 is not a TCP port');
});

test('net: an optional host prompts', () => {
  check(net('uploads.example.com'), 'prompt', 'optional net[0]');
});

test('ipc: publish and subscribe are granted separately; "both" grants both', () => {
  check(ipc('wordcount.updates', 'publish'), 'allow', 'grant ipc[0]');
  check(ipc('editor.selection', 'subscribe'), 'allow', 'grant ipc[1]');
  check(
    ipc('editor.selection', 'publish'),
    'deny',
    'no grant covers publish on "editor.selection"',
  );
  check(ipc('chat.room', 'publish'), 'allow', 'grant ipc[2]');
  check(ipc('chat.room', 'subscribe'), 'allow', 'grant ipc[2]');
});

test('ipc: channels match exactly (no prefix, no case folding); optional ones prompt', () => {
  check(ipc('wordcount.updates.extra', 'publish'), 'deny', /^no grant covers/);
  check(ipc('WordCount.updates', 'publish'), 'deny', /^no grant covers/);
  check(ipc('wordcount.updates', 'subscribe'), 'prompt', 'optional ipc[0]');
});

test('spawn: granted, optional or denied', () => {
  check({ kind: 'process', op: 'spawn' }, 'prompt', 'optional process.spawn');
  const allowed = compiled({ process: { spawn: true } });
  assert.deepEqual(decide(allowed, { kind: 'process', op: 'spawn' }), {
    decision: 'allow',
    reason: 'grant process.spawn',
  });
  const none = compiled({});
  assert.deepEqual(decide(none, { kind: 'process', op: 'spawn' }), {
    decision: 'deny',
    reason: 'process.spawn is not granted',
  });
});

test('a required grant wins over an optional one for the same target', () => {
  const p = compiled({ net: [{ host: 'a.example.com' }] }, { net: [{ host: '*.example.com' }] });
  assert.deepEqual(decide(p, net('a.example.com')), { decision: 'allow', reason: 'grant net[0]' });
  assert.deepEqual(decide(p, net('b.example.com')), {
    decision: 'prompt',
    reason: 'optional net[0]',
  });
});

test('an empty policy denies everything but its private folders', () => {
  const d = compileDecider(compiled({}));
  assert.equal(d(fs('read', '/')).decision, 'deny');
  assert.equal(d(net('example.com')).decision, 'deny');
  assert.equal(d(ipc('a.b', 'publish')).decision, 'deny');
  assert.equal(d(fs('write', '/tmp/corral-acme.x/f')).decision, 'allow');
});

test('a grant on "/" covers every path', () => {
  const d = compileDecider(compiled({ fs: [{ path: '/', access: 'read' }] }));
  assert.deepEqual(d(fs('read', '/etc/hostname')), { decision: 'allow', reason: 'grant fs[0]' });
  assert.deepEqual(d(fs('stat', '/')), { decision: 'allow', reason: 'grant fs[0]' });
});
