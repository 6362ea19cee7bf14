// Rules files (contracts §2): the example compiles to the manifest's shape, errors name the line,
// and rules → manifest → rules gives the same rules back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicyError } from '../../../app/policy/errors.ts';
import { compileRules, printRules } from '../../../app/policy/rules.ts';
import { fixture } from './support.ts';

function ok(text: string) {
  const r = compileRules(text);
  assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => formatPolicyError('rules', e)).join('\n'));
  return r;
}

function errors(text: string): string[] {
  const r = compileRules(text);
  assert.equal(r.ok, false, 'expected the rules to be refused');
  return r.ok ? [] : r.errors.map((e) => formatPolicyError('policy.rules', e));
}

test('the contract example compiles to permissions, optional permissions and limits', () => {
  const r = ok(fixture('contract-example.rules'));
  assert.deepEqual(r.fragment, {
    permissions: {
      fs: [
        { path: '${workspace}', access: 'read' },
        { path: '${documents}/reports', access: 'write' },
      ],
      net: [{ host: 'api.github.com', ports: [443] }, { host: '*.githubusercontent.com' }],
      ipc: [
        { channel: 'wordcount.updates', access: 'publish' },
        { channel: 'editor.selection', access: 'subscribe' },
      ],
      process: { spawn: true },
    },
    optionalPermissions: { fs: [{ path: '${downloads}', access: 'read' }] },
    limits: { memoryMB: 256, cpuPercent: 50, pids: 32 },
  });
  assert.equal(r.lines.get('/permissions/net/1'), 5);
  assert.equal(r.lines.get('/limits/pids'), 11);
  assert.equal(r.lines.get('/optionalPermissions/fs/0'), 12);
});

test('rules → manifest → rules gives the same rules back', () => {
  const canonical = fixture('contract-example.rules')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const printed = printRules(ok(fixture('contract-example.rules')).fragment);
  assert.deepEqual(printed.trimEnd().split('\n'), canonical);
  assert.deepEqual(ok(printed).fragment, ok(fixture('contract-example.rules')).fragment);
});

test('every limit has a rule, with units', () => {
  const r = ok(
    'limit memory 1GB\nlimit cpu 200%\nlimit pids 100\nlimit files 1024\nlimit filesize 64MiB\nlimit timeout 2m\n',
  );
  assert.deepEqual(r.fragment.limits, {
    memoryMB: 1024,
    cpuPercent: 200,
    pids: 100,
    openFiles: 1024,
    fileSizeMB: 64,
    timeoutMs: 120000,
  });
  assert.equal(
    printRules(r.fragment),
    'limit memory 1024MB\nlimit cpu 200%\nlimit pids 100\nlimit files 1024\nlimit filesize 64MB\nlimit timeout 120s\n',
  );
  assert.deepEqual(ok('limit timeout 1500ms').fragment.limits, { timeoutMs: 1500 });
});

test('connect: ports lists, IPv6 in brackets, bare IPv6', () => {
  const r = ok('connect example.com:80,443\nconnect [::1]:8080\nconnect ::1\nconnect 10.0.0.1\n');
  assert.deepEqual(r.fragment.permissions?.net, [
    { host: 'example.com', ports: [80, 443] },
    { host: '::1', ports: [8080] },
    { host: '::1' },
    { host: '10.0.0.1' },
  ]);
  assert.equal(
    printRules(r.fragment),
    'connect example.com:80,443\nconnect [::1]:8080\nconnect [::1]\nconnect 10.0.0.1\n',
  );
});

test('a manifest ipc grant with access "both" prints as publish and subscribe', () => {
  const text = printRules({ permissions: { ipc: [{ channel: 'chat.room', access: 'both' }] } });
  assert.equal(text, 'publish chat.room\nsubscribe chat.room\n');
});

test('paths may contain spaces; comments may follow a rule after whitespace', () => {
  const r = ok(
    'read ${documents}/My Reports   # quarterly\n   # indented comment\n\nwrite ${workspace}/out\r\n',
  );
  assert.deepEqual(r.fragment.permissions?.fs, [
    { path: '${documents}/My Reports', access: 'read' },
    { path: '${workspace}/out', access: 'write' },
  ]);
});

test('an unknown rule names its line and the rule that was probably meant', () => {
  assert.deepEqual(errors('read ${workspace}\nreed ${home}\n'), [
    'policy.rules:2: unknown rule "reed"; fix: did you mean "read"?',
  ]);
  assert.deepEqual(errors('allow everything'), [
    'policy.rules:1: unknown rule "allow"; fix: start the line with one of read, write, connect, publish, subscribe, spawn, limit, optional',
  ]);
});

test('schema errors from a rule point at its line', () => {
  assert.deepEqual(errors('read ${workspace}\nwrite reports\n'), [
    'policy.rules:2: /permissions/fs/1/path: "reports" is a relative path; fix: start it with a variable, e.g. "${workspace}/reports"',
  ]);
  assert.match(
    errors('connect https://example.com')[0]!,
    /^policy\.rules:1: \/permissions\/net\/0\/host: "https:\/\/example\.com" is a URL/,
  );
  assert.match(
    errors('connect example.com:70000')[0]!,
    /^policy\.rules:1: \/permissions\/net\/0\/ports\/0: expected at most 65535/,
  );
  assert.match(
    errors('publish Not A Channel')[0]!,
    /^policy\.rules:1: "publish" needs one channel name/,
  );
});

test('limits: wrong values, unknown names, repeats and "optional limit" are errors', () => {
  assert.deepEqual(errors('limit memory 256'), [
    'policy.rules:1: "256" is not a memory limit; fix: write e.g. "limit memory 256MB"',
  ]);
  assert.deepEqual(errors('limit memroy 256MB'), [
    'policy.rules:1: unknown limit "memroy"; fix: did you mean "limit memory"?',
  ]);
  assert.deepEqual(errors('limit pids 8\nlimit pids 9'), [
    'policy.rules:2: limit pids is already set on line 1; fix: keep one of the two lines',
  ]);
  assert.deepEqual(errors('optional limit cpu 50%'), [
    'policy.rules:1: a limit cannot be optional; fix: write "optional" before one of read, write, connect, publish, subscribe, spawn',
  ]);
  assert.match(
    errors('limit cpu 0%')[0]!,
    /^policy\.rules:1: \/limits\/cpuPercent: expected at least 1/,
  );
});

test('rule arguments are checked: missing, extra, and repeated spawn', () => {
  assert.match(errors('read')[0]!, /^policy\.rules:1: "read" needs a path/);
  assert.match(errors('spawn now')[0]!, /^policy\.rules:1: "spawn" takes nothing after it/);
  assert.match(errors('spawn\nspawn')[0]!, /^policy\.rules:2: spawn is already granted on line 1/);
  assert.match(errors('connect a.com b.com')[0]!, /one host per line/);
  assert.match(errors('connect a.com:http')[0]!, /"http" is not a port list/);
});

test('every error in a file is reported, not only the first', () => {
  assert.equal(errors('reed x\nwrit y\nlimit cpu lots\n').length, 3);
});

test('an empty rules file grants nothing', () => {
  assert.deepEqual(ok('# nothing\n\n').fragment, {});
  assert.equal(printRules({}), '');
});
