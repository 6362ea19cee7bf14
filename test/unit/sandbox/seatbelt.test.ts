// The macOS Seatbelt profile: golden texts, what it allows (and never allows), that no path from
// a plan reaches the text, and a property test over arbitrary plans. No Mac needed: the profile is
// checked by the SBPL reader in sbpl-syntax.ts. UPDATE_GOLDEN=1 rewrites test/fixtures/seatbelt.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  macosSystemView,
  SANDBOX_EXEC,
  sandboxExecArgv,
  SeatbeltError,
  seatbeltProfile,
  type SeatbeltOptions,
} from '../../../app/sandbox/seatbelt.ts';
import type { SandboxPlan } from '../../../app/sandbox/plan.ts';
import { checkSbpl, readSbpl, show, stringsIn, type SbplRule } from './sbpl-syntax.ts';

const fixtures = new URL('../../fixtures/seatbelt/', import.meta.url);
const TMP = '/private/var/folders/zz/abc123/T/corral-run-1';
const PACKAGE = '/Users/ada/Library/Application Support/Corral/extensions/acme.word-count';

function plan(patch: Partial<SandboxPlan> = {}): SandboxPlan {
  return {
    mode: 'full',
    mounts: [{ path: TMP, access: 'rw' }],
    symlinks: [],
    execPaths: ['/usr/bin/true'],
    spawn: false,
    tmpfs: ['/tmp'],
    cwd: TMP,
    env: { PATH: '/usr/bin:/bin', HOME: TMP, TMPDIR: TMP },
    keepFds: [3],
    limits: {
      memoryBytes: 512 * 2 ** 20,
      cpuPercent: 100,
      pids: 64,
      openFiles: 256,
      fileSizeBytes: 100 * 2 ** 20,
      timeoutMs: 30_000,
    },
    ...patch,
  };
}

const NODE = '/opt/homebrew/Cellar/node/22.11.0';
const PYTHON = '/Library/Frameworks/Python.framework/Versions/3.12';

/** The three plans with golden profiles: nothing granted; read + write; spawn with a proxy. */
const golden: Record<string, { plan: SandboxPlan; options: SeatbeltOptions }> = {
  'deny-all': {
    // `corral exec -- /usr/bin/true` without a policy: only ${tmp} and the command itself.
    plan: plan({ mounts: [{ path: '/usr/bin/true', access: 'ro' }, ...plan().mounts] }),
    options: { proxyPort: null, runtime: 'exec' },
  },
  'workspace-read-write': {
    plan: plan({
      mounts: [
        { path: NODE, access: 'ro' },
        { path: PACKAGE, access: 'ro' },
        { path: '/Users/ada/src/novel', access: 'ro' },
        { path: '/Users/ada/Documents/reports', access: 'rw' },
        {
          path: '/Users/ada/Library/Application Support/Corral/data/acme.word-count',
          access: 'rw',
        },
        { path: TMP, access: 'rw' },
      ],
      execPaths: [`${NODE}/bin/node`],
      cwd: '/Users/ada/src/novel',
    }),
    options: { proxyPort: null, runtime: 'node' },
  },
  'spawn-proxy': {
    plan: plan({
      mounts: [
        { path: PYTHON, access: 'ro' },
        { path: PACKAGE, access: 'ro' },
        { path: '/Users/ada/src/novel', access: 'rw' },
        { path: TMP, access: 'rw' },
      ],
      execPaths: [PYTHON, PACKAGE],
    }),
    options: { proxyPort: 49152, runtime: 'python', spawn: true },
  },
};

function rulesOf(profile: string, params: Record<string, string>): SbplRule[] {
  const check = checkSbpl(profile, params);
  assert.deepEqual(check.errors, []);
  return check.rules;
}

/** The allow rules naming `operation`, with each filter as text. */
function allowed(rules: SbplRule[], operation: string): string[] {
  return rules
    .filter((r) => r.action === 'allow' && r.operations.includes(operation))
    .flatMap((r) => (r.filters.length === 0 ? ['(unfiltered)'] : r.filters.map(show)));
}

describe('golden profiles', () => {
  for (const [name, { plan: p, options }] of Object.entries(golden)) {
    test(`${name}: matches test/fixtures/seatbelt/${name}.sb and passes the SBPL check`, () => {
      const { profile, params } = seatbeltProfile(p, options);
      const file = new URL(`${name}.sb`, fixtures);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, profile);
      assert.equal(profile, readFileSync(file, 'utf8'), 'run with UPDATE_GOLDEN=1 and review');
      const check = checkSbpl(profile, params);
      assert.deepEqual(check.errors, []);
      assert.deepEqual(check.imports, [], 'no (import …): system.sb and friends allow too much');
    });
  }
});

describe('what the profile allows', () => {
  test('denies by default, right after (version 1), and never allows default', () => {
    for (const { plan: p, options } of Object.values(golden)) {
      const { profile } = seatbeltProfile(p, options);
      const forms = readSbpl(profile).map(show);
      assert.deepEqual(forms.slice(0, 2), ['(version 1)', '(deny default)']);
      assert.ok(!forms.some((f) => /^\(allow[^)]*\bdefault\b/.test(f)), 'an (allow default)');
      assert.ok(!profile.includes('(allow default)'));
    }
  });

  test('without spawn: no fork, and exec only of the plan execPaths, each exactly', () => {
    const p = golden['workspace-read-write']!.plan;
    const { profile, params } = seatbeltProfile(p, { proxyPort: null, runtime: 'node' });
    const rules = rulesOf(profile, params);
    assert.deepEqual(allowed(rules, 'process-fork'), []);
    assert.deepEqual(allowed(rules, 'process-exec'), ['(literal (param "EXEC_0"))']);
    assert.deepEqual(allowed(rules, 'process-exec*'), []);
    assert.equal(params.EXEC_0, `${NODE}/bin/node`);
    assert.deepEqual(allowed(rules, 'signal'), ['(target self)']);
  });

  test('with spawn: fork, and exec beneath exactly the plan execPaths', () => {
    const { plan: p, options } = golden['spawn-proxy']!;
    const { profile, params } = seatbeltProfile(p, options);
    const rules = rulesOf(profile, params);
    assert.deepEqual(allowed(rules, 'process-fork'), ['(unfiltered)']);
    assert.deepEqual(allowed(rules, 'process-exec'), [
      '(subpath (param "EXEC_0"))',
      '(subpath (param "EXEC_1"))',
    ]);
    assert.deepEqual([params.EXEC_0, params.EXEC_1], p.execPaths);
    assert.deepEqual(allowed(rules, 'signal'), ['(target self)', '(target same-sandbox)']);
  });

  test('spawn is off unless the caller says so (fail closed)', () => {
    const { plan: p } = golden['spawn-proxy']!;
    const { profile, params } = seatbeltProfile(p, { proxyPort: 49152, runtime: 'python' });
    assert.deepEqual(allowed(rulesOf(profile, params), 'process-fork'), []);
  });

  test('network: none without a proxy; with one, only localhost:PORT outbound', () => {
    const { plan: p } = golden['spawn-proxy']!;
    const network = (rules: SbplRule[]) =>
      rules.filter((r) => r.operations.some((op) => op.startsWith('network'))).map((r) => r);
    const none = seatbeltProfile(p, { proxyPort: null, runtime: 'python' });
    assert.deepEqual(network(rulesOf(none.profile, none.params)), []);

    const proxied = seatbeltProfile(p, { proxyPort: 49152, runtime: 'python' });
    const rules = network(rulesOf(proxied.profile, proxied.params));
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0]!.operations, ['network-outbound']);
    assert.deepEqual(rules[0]!.filters.map(show), ['(remote ip "localhost:49152")']);
    // The policy's own ports (443 here) are the proxy's business, never a direct connection.
    assert.ok(!proxied.profile.includes(':443'));
  });

  test('the proxy port must be an integer from 1 to 65535 before it is printed; runtimes are known', () => {
    const p = plan();
    for (const port of [0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => seatbeltProfile(p, { proxyPort: port, runtime: 'node' }),
        (e: unknown) => e instanceof SeatbeltError && /1 to 65535/.test(e.message),
      );
    }
    for (const runtime of ['toString', 'ruby']) {
      assert.throws(
        () => seatbeltProfile(p, { proxyPort: null, runtime } as unknown as SeatbeltOptions),
        /must be node, python or exec/,
      );
    }
    for (const port of [1, 65535]) {
      assert.ok(
        seatbeltProfile(p, { proxyPort: port, runtime: 'node' }).profile.includes(`:${port}"`),
      );
    }
  });

  test('writes only beneath the rw grants (and /dev/null); code maps never from them', () => {
    const { plan: p, options } = golden['workspace-read-write']!;
    const { profile, params } = seatbeltProfile(p, options);
    const rules = rulesOf(profile, params);
    const writes = [...allowed(rules, 'file-write*'), ...allowed(rules, 'file-write-data')];
    assert.deepEqual(writes, [
      '(subpath (param "GRANT_RW_0"))',
      '(subpath (param "GRANT_RW_1"))',
      '(subpath (param "GRANT_RW_2"))',
      '(literal "/dev/null")',
    ]);
    const rw = p.mounts.filter((m) => m.access === 'rw').map((m) => m.path);
    assert.deepEqual([params.GRANT_RW_0, params.GRANT_RW_1, params.GRANT_RW_2], rw);
    assert.ok(!allowed(rules, 'file-map-executable').some((f) => f.includes('GRANT_RW')));
  });

  test('the tmpfs and symlinks of the Linux plan are not granted: /tmp stays shut', () => {
    const { profile, params } = seatbeltProfile(
      plan({ tmpfs: ['/tmp'], symlinks: [{ path: '/bin', target: 'usr/bin' }] }),
      { proxyPort: null, runtime: 'exec' },
    );
    const rules = rulesOf(profile, params);
    const readsOrWrites = [...allowed(rules, 'file-read*'), ...allowed(rules, 'file-write*')];
    assert.ok(!readsOrWrites.some((f) => /"\/(private\/)?tmp"|"\/bin"/.test(f)));
    assert.ok(!Object.values(params).some((v) => v === '/tmp' || v === '/bin'));
  });

  test('every param the profile names is given, and every param given is named', () => {
    for (const { plan: p, options } of Object.values(golden)) {
      const { profile, params } = seatbeltProfile(p, options);
      const named = [...profile.matchAll(/\(param "([A-Z0-9_]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(named)].sort(), Object.keys(params).sort());
      const paths = [...p.mounts.map((m) => m.path), ...p.execPaths].sort();
      assert.deepEqual(Object.values(params).sort(), paths);
    }
  });

  test('the text depends only on the shape of the plan, and on runtime only in its sysctls', () => {
    const { plan: p, options } = golden['workspace-read-write']!;
    const renamed = {
      ...p,
      mounts: p.mounts.map((m, i) => ({ ...m, path: `/Volumes/Other/${i}` })),
      execPaths: ['/Volumes/Other/node'],
    };
    assert.equal(seatbeltProfile(renamed, options).profile, seatbeltProfile(p, options).profile);
    const sysctls = (runtime: SeatbeltOptions['runtime']) => {
      const { profile, params } = seatbeltProfile(p, { ...options, runtime });
      return allowed(rulesOf(profile, params), 'sysctl-read');
    };
    assert.ok(sysctls('node').includes('(sysctl-name "hw.memsize")'));
    assert.ok(!sysctls('python').includes('(sysctl-name "hw.memsize")'));
    assert.ok(sysctls('exec').length < sysctls('python').length);
  });

  test('no mach-lookup for any runtime', () => {
    for (const runtime of ['node', 'python', 'exec'] as const) {
      const { profile, params } = seatbeltProfile(plan(), { proxyPort: 1234, runtime });
      assert.deepEqual(allowed(rulesOf(profile, params), 'mach-lookup'), []);
    }
  });
});

describe('paths never reach the text', () => {
  const evil = '/Users/ada/evil")(allow default)(allow network*)("';

  test(`a path holding ")(allow default)(" becomes a param value, not SBPL`, () => {
    const p = plan({
      mounts: [
        { path: evil, access: 'ro' },
        { path: `${evil}/rw`, access: 'rw' },
      ],
      execPaths: [`${evil}/bin/tool`],
    });
    const { profile, params } = seatbeltProfile(p, { proxyPort: null, runtime: 'exec' });
    assert.ok(!profile.includes('evil'));
    assert.ok(!profile.includes('(allow default)'));
    assert.ok(!profile.includes('(allow network*)'));
    assert.deepEqual(Object.values(params).sort(), [evil, `${evil}/bin/tool`, `${evil}/rw`].sort());
    assert.deepEqual(checkSbpl(profile, params).errors, []);
  });

  test('a plan the macOS profile cannot express is refused with one line', () => {
    const refusals: [Partial<SandboxPlan>, RegExp][] = [
      [{ mounts: [{ path: '/', access: 'ro' }] }, /whole disk/],
      [
        { mounts: [{ path: '/var/folders/x/T', access: 'rw' }] },
        /real path \/private\/var\/folders/,
      ],
      [{ execPaths: ['/tmp/tool'] }, /link \/tmp -> \/private\/tmp/],
      [{ mounts: [{ path: 'relative', access: 'ro' }] }, /^sandbox plan: mounts\.0\.path: /],
    ];
    for (const [patch, message] of refusals) {
      assert.throws(
        () => seatbeltProfile(plan(patch), { proxyPort: null, runtime: 'exec' }),
        (e: unknown) =>
          e instanceof SeatbeltError && message.test(e.message) && !e.message.includes('\n'),
      );
    }
  });

  test('property: any valid plan gives a profile that parses, names only params, text fixed by shape', () => {
    const segment = fc
      .string({
        unit: fc.constantFrom(...'aZ9 .-_"()\\;#|é世\t'.split('')),
        minLength: 1,
        maxLength: 6,
      })
      .filter((s) => s !== '.' && s !== '..');
    const path = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .filter((segs) => !['etc', 'tmp', 'var'].includes(segs[0]!))
      .map((segs) => `/${segs.join('/')}`);
    const arbitraryPlan = fc.record({
      mounts: fc.array(fc.record({ path, access: fc.constantFrom('ro' as const, 'rw' as const) }), {
        maxLength: 6,
      }),
      execPaths: fc.array(path, { minLength: 1, maxLength: 4 }),
    });
    const options = fc.record({
      proxyPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
      runtime: fc.constantFrom('node' as const, 'python' as const, 'exec' as const),
      spawn: fc.boolean(),
    });
    fc.assert(
      fc.property(arbitraryPlan, options, (shape, opts) => {
        const p = plan(shape);
        const { profile, params } = seatbeltProfile(p, opts);
        assert.deepEqual(checkSbpl(profile, params).errors, []);
        assert.deepEqual(
          Object.values(params).sort(),
          [...p.mounts.map((m) => m.path), ...p.execPaths].sort(),
        );
        // Same shape, other paths: the very same text, so no byte of a path is in it.
        const other = plan({
          mounts: p.mounts.map((m, i) => ({ ...m, path: `/x/${i}` })),
          execPaths: p.execPaths.map((_, i) => `/y/${i}`),
        });
        assert.equal(seatbeltProfile(other, opts).profile, profile);
        const planPaths = Object.values(params);
        for (const s of stringsIn(readSbpl(profile))) assert.ok(!planPaths.includes(s), s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sandboxExecArgv', () => {
  test('sandbox-exec -f PROFILE, one -D per param, --, then the command and its arguments', () => {
    assert.deepEqual(
      sandboxExecArgv(
        '/private/var/folders/zz/T/corral.sb',
        { EXEC_0: '/usr/bin/true', GRANT_RW_0: '/a=b c' },
        '/usr/bin/true',
        ['-x', '--', 'y'],
      ),
      [
        SANDBOX_EXEC,
        '-f',
        '/private/var/folders/zz/T/corral.sb',
        '-D',
        'EXEC_0=/usr/bin/true',
        '-D',
        'GRANT_RW_0=/a=b c',
        '--',
        '/usr/bin/true',
        '-x',
        '--',
        'y',
      ],
    );
    assert.equal(SANDBOX_EXEC, '/usr/bin/sandbox-exec');
  });

  test('refuses what sandbox-exec would misread', () => {
    const bad: [string, Record<string, string>, string][] = [
      ['relative.sb', {}, '/usr/bin/true'],
      ['/p.sb', { 'A=B': '/x' }, '/usr/bin/true'],
      ['/p.sb', { lower: '/x' }, '/usr/bin/true'],
      ['/p.sb', { A: '/x\0y' }, '/usr/bin/true'],
      ['/p.sb', {}, 'true'],
    ];
    for (const [profile, params, command] of bad) {
      assert.throws(() => sandboxExecArgv(profile, params, command, []), SeatbeltError);
    }
  });
});

describe('macosSystemView', () => {
  test('real, absolute paths, each with a reason, each in the profile', () => {
    const { profile } = seatbeltProfile(plan(), { proxyPort: null, runtime: 'exec' });
    for (const entry of macosSystemView()) {
      assert.ok(entry.path.startsWith('/') && entry.why.length > 0, entry.path);
      if (entry.access !== 'stat') {
        assert.ok(!/^\/(etc|tmp|var)(\/|$)/.test(entry.path), `${entry.path} is not a real path`);
      }
      assert.ok(profile.includes(`(${entry.match} "${entry.path}")`), entry.path);
    }
    const paths = macosSystemView().map((e) => e.path);
    for (const broad of ['/Users', '/Library', '/Applications', '/System', '/usr', '/private']) {
      assert.ok(!paths.includes(broad), `${broad} is too broad`);
    }
  });

  test('docs/platforms.md names every system path and every sysctl the profile allows', () => {
    const docs = readFileSync(new URL('../../../docs/platforms.md', import.meta.url), 'utf8');
    const names = new Set<string>();
    for (const runtime of ['node', 'python', 'exec'] as const) {
      const { profile, params } = seatbeltProfile(plan(), { proxyPort: 1, runtime });
      for (const f of allowed(rulesOf(profile, params), 'sysctl-read'))
        names.add(JSON.parse(f.split(' ')[1]!.slice(0, -1)));
    }
    for (const name of [...macosSystemView().map((e) => e.path), ...names]) {
      assert.ok(docs.includes(`\`${name}\``), `docs/platforms.md does not mention \`${name}\``);
    }
  });
});

describe('the SBPL checker catches what it must', () => {
  const cases: [string, string, Record<string, string>, RegExp][] = [
    ['an unclosed form', '(version 1)\n(deny default', {}, /line 2: "\(" opened on line 2/],
    ['a stray ")"', '(version 1))', {}, /without a matching/],
    ['an unterminated string', '(version 1)\n(allow file-read* (literal "/a))', {}, /unterminated/],
    [
      'an unknown escape',
      '(version 1)\n(allow file-read* (literal "/a\\q"))',
      {},
      /unknown escape/,
    ],
    ['no version first', '(deny default)', {}, /must start with \(version 1\)/],
    ['an unknown form', '(version 1)\n(define x 1)', {}, /unknown top-level form "define"/],
    [
      'an unknown operation',
      '(version 1)\n(allow file-reed*)',
      {},
      /unknown operation "file-reed\*"/,
    ],
    [
      'a filter on the wrong operation',
      '(version 1)\n(allow process-fork (subpath "/a"))',
      {},
      /does not apply to process-fork/,
    ],
    ['a relative path', '(version 1)\n(allow file-read* (subpath "a"))', {}, /not absolute/],
    [
      'a param with no value',
      '(version 1)\n(allow file-read* (subpath (param "A")))',
      {},
      /param "A" has no value/,
    ],
    ['an unused param', '(version 1)', { A: '/a' }, /param "A" is given but never used/],
    [
      'a param that is not a path',
      '(version 1)\n(allow file-read* (subpath (param "A")))',
      { A: 'a' },
      /not an absolute path/,
    ],
    [
      'a port out of range',
      '(version 1)\n(allow network-outbound (remote ip "localhost:70000"))',
      {},
      /remote takes/,
    ],
    [
      'a remote host',
      '(version 1)\n(allow network-outbound (remote ip "example.com:443"))',
      {},
      /remote takes/,
    ],
    ['an unknown target', '(version 1)\n(allow signal (target everyone))', {}, /unknown target/],
    ['an empty require-any', '(version 1)\n(allow file-read* (require-any))', {}, /wrong number/],
  ];
  for (const [name, text, params, message] of cases) {
    test(name, () => {
      const errors = checkSbpl(text, params).errors;
      assert.ok(
        errors.some((e) => message.test(e)),
        `expected ${message}, got ${JSON.stringify(errors)}`,
      );
    });
  }

  test('accepts comments, #| blocks |#, escapes and regex literals', () => {
    const text =
      '(version 1) ; v\n#| a\nblock |#\n(allow file-read* (literal "/a\\"b") (regex #"^/dev/ttys[0-9]+\\.x$"))';
    assert.deepEqual(checkSbpl(text, {}).errors, []);
    assert.equal(stringsIn(readSbpl(text))[0], '/a"b');
  });
});
