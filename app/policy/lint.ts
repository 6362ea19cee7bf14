// `corral lint`: what a security reviewer would flag in a manifest's or rules file's grants.
// Works on the symbolic grants (${home}/…), not on this machine's paths, so CI gets the same
// answer everywhere. Each rule has an id, a severity and a fix; docs/policy.md shows an example.
import { classifyAddress, type AddressClass } from './address-class.ts';
import { lineOf, toPointer, type PolicyError } from './errors.ts';
import { formatHostPattern, parseHostPattern, type HostPattern } from './host-names.ts';
import type { PolicyInput, Permissions } from './manifest.ts';
import { DEFAULT_PORTS } from './compile.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  rule: string;
  severity: Severity;
  /** JSON pointer of the grant or limit ("" for the whole file). */
  pointer: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
  fix: string;
}

/** Every rule the linter knows, with its severity. */
export const LINT_RULES: readonly { id: string; severity: Severity; summary: string }[] = [
  {
    id: 'schema',
    severity: 'error',
    summary: 'the file is not valid JSON or does not match the manifest schema',
  },
  { id: 'rules-syntax', severity: 'error', summary: 'a line of a rules file is not a valid rule' },
  {
    id: 'manifest-migrated',
    severity: 'warning',
    summary: 'the manifest uses an older manifestVersion',
  },
  {
    id: 'fs-write-home',
    severity: 'error',
    summary: 'write access to ${home}, / or every home folder',
  },
  {
    id: 'fs-write-system',
    severity: 'error',
    summary: 'write access to a system folder (/etc, /usr, /var, …)',
  },
  {
    id: 'fs-secret-path',
    severity: 'error',
    summary: 'a grant covers keys, credentials, keyrings or browser profiles',
  },
  {
    id: 'fs-absolute-path',
    severity: 'warning',
    summary: 'a grant uses an absolute path instead of a variable',
  },
  {
    id: 'net-shared-wildcard',
    severity: 'error',
    summary: 'a wildcard over a shared domain anyone can host under',
  },
  { id: 'net-plain-http', severity: 'warning', summary: 'a grant opens a plain-HTTP port' },
  {
    id: 'net-local-address',
    severity: 'warning',
    summary: 'a grant reaches this machine or the local network',
  },
  { id: 'grant-duplicate', severity: 'warning', summary: 'the same grant appears twice' },
  {
    id: 'grant-overlap',
    severity: 'warning',
    summary: 'a grant is already covered by a wider one',
  },
  { id: 'limit-out-of-bounds', severity: 'warning', summary: 'a limit is outside sane bounds' },
  {
    id: 'optional-duplicates-required',
    severity: 'warning',
    summary: 'an optional permission is already granted',
  },
  {
    id: 'spawn-with-writable-exec',
    severity: 'error',
    summary: 'spawn plus write access to a place programs run from',
  },
  {
    id: 'grant-spelling',
    severity: 'info',
    summary: 'a path or host is matched in another spelling than written',
  },
  {
    id: 'fs-write-created',
    severity: 'info',
    summary: "a required write grant's folder is created when the extension starts, if missing",
  },
  // Checked by `corral lint DIR` on the extension folder (app/author/lint-folder.ts).
  { id: 'main-missing', severity: 'error', summary: '"main" is not a file in the folder' },
  { id: 'main-escapes', severity: 'error', summary: '"main" leads out of the extension folder' },
  {
    id: 'main-not-executable',
    severity: 'error',
    summary: 'runtime "exec" and a main without the executable bit',
  },
  { id: 'rules-drift', severity: 'error', summary: 'corral.rules and corral.json disagree' },
];

/** Grant roots that always exist when an extension starts (the launcher makes or checks them). */
const ALWAYS_THERE = new Set(['${workspace}', '${home}', '${extensionData}', '${tmp}']);

const SEVERITY = new Map(LINT_RULES.map((r) => [r.id, r.severity]));

/** Secrets by where they live: "~/" relative to the home folder, else absolute. */
const SECRETS: readonly [string, string][] = [
  ['~/.ssh', 'SSH keys'],
  ['~/.gnupg', 'GnuPG keys'],
  ['~/.aws', 'AWS credentials'],
  ['~/.kube', 'Kubernetes credentials'],
  ['~/.docker', 'Docker registry credentials'],
  ['~/.config/gcloud', 'Google Cloud credentials'],
  ['~/.azure', 'Azure credentials'],
  ['~/.config/gh', 'GitHub CLI token'],
  ['~/.netrc', 'network passwords'],
  ['~/.git-credentials', 'Git credentials'],
  ['~/.npmrc', 'npm tokens'],
  ['~/.pypirc', 'PyPI tokens'],
  ['~/.pgpass', 'PostgreSQL passwords'],
  ['~/.password-store', 'the pass password store'],
  ['~/.local/share/keyrings', 'the GNOME keyring'],
  ['~/.local/share/kwalletd', 'KWallet'],
  ['~/Library/Keychains', 'the macOS keychain'],
  ['~/.mozilla', 'Firefox profiles'],
  ['~/.config/google-chrome', 'Chrome profiles'],
  ['~/.config/chromium', 'Chromium profiles'],
  ['~/.config/BraveSoftware', 'Brave profiles'],
  ['~/.config/microsoft-edge', 'Edge profiles'],
  ['~/Library/Application Support/Google/Chrome', 'Chrome profiles'],
  ['~/Library/Application Support/Firefox', 'Firefox profiles'],
  ['~/Library/Cookies', 'Safari cookies'],
  ['/etc/shadow', 'password hashes'],
  ['/etc/gshadow', 'group password hashes'],
  ['/etc/ssh', 'SSH host keys'],
  ['/root', "root's home"],
  ['/var/run/docker.sock', 'the Docker socket (root on this machine)'],
  ['/run/docker.sock', 'the Docker socket (root on this machine)'],
];

const SYSTEM_FOLDERS = [
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/boot',
  '/opt',
  '/var',
  '/srv',
  '/sys',
  '/proc',
  '/dev',
  '/System',
  '/Library',
  '/Applications',
];

/** Places programs run from: a write there plus spawn is code execution, in or out of the sandbox. */
const EXEC_PLACES: readonly { place: string; inside: boolean }[] = [
  // A grant covering the home folder reaches every start-up file; it is not "inside" anything.
  { place: '~', inside: false },
  { place: '~/.bashrc', inside: false },
  { place: '~/.profile', inside: false },
  { place: '~/.zshrc', inside: false },
  // Folders on PATH or run at login: anything written inside them runs.
  { place: '~/.local/bin', inside: true },
  { place: '~/bin', inside: true },
  { place: '~/.config/autostart', inside: true },
  { place: '/usr', inside: true },
  { place: '/bin', inside: true },
  { place: '/sbin', inside: true },
  { place: '/opt', inside: true },
  { place: '/etc', inside: true },
];

/** Suffixes under which anyone can get a subdomain (a wildcard there admits strangers' servers). */
const SHARED_SUFFIXES = new Set([
  'github.io',
  'gitlab.io',
  'bitbucket.io',
  'codeberg.page',
  'amazonaws.com',
  's3.amazonaws.com',
  'cloudfront.net',
  'elasticbeanstalk.com',
  'herokuapp.com',
  'herokudns.com',
  'azurewebsites.net',
  'cloudapp.net',
  'cloudapp.azure.com',
  'blob.core.windows.net',
  'web.core.windows.net',
  'azureedge.net',
  'azurestaticapps.net',
  'trafficmanager.net',
  'appspot.com',
  'cloudfunctions.net',
  'run.app',
  'web.app',
  'firebaseapp.com',
  'storage.googleapis.com',
  'netlify.app',
  'netlify.com',
  'vercel.app',
  'now.sh',
  'pages.dev',
  'workers.dev',
  'r2.dev',
  'trycloudflare.com',
  'ngrok.io',
  'ngrok.app',
  'ngrok-free.app',
  'glitch.me',
  'repl.co',
  'replit.dev',
  'fly.dev',
  'onrender.com',
  'railway.app',
  'deno.dev',
  'surge.sh',
  'blogspot.com',
  'wordpress.com',
  'tumblr.com',
  'ddns.net',
  'duckdns.org',
  'no-ip.org',
  'dyndns.org',
  'webhook.site',
  'pipedream.net',
  'requestbin.net',
  'loca.lt',
]);
const SECOND_LEVEL = new Set([
  'co',
  'com',
  'net',
  'org',
  'gov',
  'edu',
  'ac',
  'or',
  'ne',
  'go',
  'mil',
  'ltd',
  'plc',
  'gob',
  'nic',
]);
const PLAIN_HTTP_PORTS = new Set([80, 8000, 8008, 8080, 8888]);

/** Sane bounds per limit: [low, high, why]. */
const LIMIT_BOUNDS: Record<string, [number, number, string]> = {
  memoryMB: [
    32,
    8192,
    'MB (below 32 MB runtimes fail to start; above 8 GB one extension can starve the machine)',
  ],
  cpuPercent: [5, 400, '% (100 is one core)'],
  pids: [8, 4096, ' (threads count too: Node needs about 10)'],
  openFiles: [32, 65_536, ''],
  fileSizeMB: [1, 10_240, 'MB'],
  timeoutMs: [100, 600_000, ' ms (10 minutes per command at most)'],
};

/**
 * Lints a document's policy. `lines` (JSON pointer → line) adds line numbers; `notices` (from
 * parsePolicyDocument) become manifest-migrated findings.
 */
export function lintPolicy(
  policy: PolicyInput,
  options: { lines?: ReadonlyMap<string, number>; notices?: readonly PolicyError[] } = {},
): LintFinding[] {
  const findings: LintFinding[] = [];
  const add: Add = (rule, pointer, message, fix, severity) => {
    const finding: LintFinding = {
      rule,
      severity: severity ?? SEVERITY.get(rule) ?? 'error',
      pointer,
      message,
      fix,
    };
    const line = options.lines ? lineOf(options.lines, pointer) : undefined;
    if (line !== undefined) finding.line = line;
    findings.push(finding);
  };
  for (const n of options.notices ?? []) add('manifest-migrated', n.pointer, n.message, n.fix);

  const sections = [
    ['permissions', policy.permissions],
    ['optionalPermissions', policy.optionalPermissions],
  ] as const;
  for (const [section, p] of sections) {
    lintFs(p, section, add);
    lintNet(p, section, add);
    lintIpc(p, section, add);
  }
  lintOptional(policy.permissions, policy.optionalPermissions, add);
  lintSpawn(policy, add);
  for (const [field, value] of Object.entries(policy.limits)) {
    const bounds = LIMIT_BOUNDS[field];
    if (value === undefined || !bounds) continue;
    const [low, high, unit] = bounds;
    if (value < low || value > high)
      add(
        'limit-out-of-bounds',
        toPointer(['limits', field]),
        `${field} ${value} is ${value < low ? 'below' : 'above'} the sane range ${low}–${high}${unit}`,
        `set ${field} between ${low} and ${high}, or leave it out for the default`,
      );
  }
  return findings;
}

type Add = (
  rule: string,
  pointer: string,
  message: string,
  fix: string,
  severity?: Severity,
) => void;

// ---- file system ---------------------------------------------------------------------------

/** A grant path as segments in "symbolic" form: ["~", …], ["/", …], ["${workspace}", …]. */
function symbolic(path: string): string[] {
  const m = /^\$\{([A-Za-z]+)\}(.*)$/.exec(path);
  const rest = (m ? m[2]! : path).split('/').filter((s) => s !== '' && s !== '.');
  if (!m) {
    // /home/NAME/… and /Users/NAME/… are somebody's home; /root is root's.
    if ((rest[0] === 'home' || rest[0] === 'Users') && rest.length >= 2)
      return ['~', ...rest.slice(2)];
    return ['/', ...rest];
  }
  switch (m[1]) {
    case 'home':
      return ['~', ...rest];
    case 'documents':
      return ['~', 'Documents', ...rest];
    case 'downloads':
      return ['~', 'Downloads', ...rest];
    default:
      return [`\${${m[1]}}`, ...rest];
  }
}

function parseSymbolic(p: string): string[] {
  return p.startsWith('~')
    ? ['~', ...p.slice(2).split('/').filter(Boolean)]
    : ['/', ...p.split('/').filter(Boolean)];
}

/** True when `outer` is `inner` or one of its ancestors; case-insensitive when asked (macOS). */
function segmentsCover(
  outer: readonly string[],
  inner: readonly string[],
  foldCase = false,
): boolean {
  if (outer.length > inner.length) return false;
  return outer.every((s, i) =>
    foldCase ? s.toLowerCase() === inner[i]!.toLowerCase() : s === inner[i],
  );
}

/** The segments, widened: "/", "/home" and "/Users" hold every home folder. */
function coversHome(segs: readonly string[]): boolean {
  return (
    (segs[0] === '~' && segs.length === 1) ||
    (segs[0] === '/' &&
      (segs.length === 1 || (segs.length === 2 && ['home', 'Users'].includes(segs[1]!))))
  );
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return segmentsCover(a, b, true) || segmentsCover(b, a, true);
}

function lintFs(p: Permissions, section: string, add: Add): void {
  const grants = (p.fs ?? []).map((g) => ({ ...g, segs: symbolic(g.path) }));
  grants.forEach((g, i) => {
    const pointer = toPointer([section, 'fs', i]);
    const normal = normalGrantPath(g.path);
    if (normal !== g.path)
      add('grant-spelling', pointer, `"${g.path}" means "${normal}"`, `write "${normal}"`);
    // The host creates a missing folder of a required write grant (app/sandbox/grant-folders.ts);
    // said here so that an author who meant one file, and the person consenting, both know.
    if (section === 'permissions' && g.access === 'write' && !ALWAYS_THERE.has(normal))
      add(
        'fs-write-created',
        pointer,
        `if "${normal}" does not exist when the extension starts, Corral creates it as a folder`,
        'nothing to do for a folder; to write one file, grant the folder that holds it',
      );
    if (g.path.startsWith('/'))
      add(
        'fs-absolute-path',
        pointer,
        `"${g.path}" is an absolute path, which differs from machine to machine`,
        'start it with a variable such as ${workspace}, ${home} or ${documents}',
      );
    if (
      g.access === 'write' &&
      (coversHome(g.segs) || (g.segs[0] === '/' && g.segs[1] === 'root' && g.segs.length === 2))
    )
      add(
        'fs-write-home',
        pointer,
        `write access to "${g.path}" lets the extension change every file you own, shell start-up files included`,
        'grant only the folder it needs, e.g. "${documents}/reports" or "${workspace}"',
      );
    if (g.access === 'write' && g.segs[0] === '/' && g.segs.length > 1) {
      const system = SYSTEM_FOLDERS.find((s) => overlaps(parseSymbolic(s), g.segs));
      if (system)
        add(
          'fs-write-system',
          pointer,
          `write access to "${g.path}" changes the system folder ${system}`,
          'grant a folder of your own instead; extensions never need to write system folders',
        );
    }
    const secrets = SECRETS.filter(([s]) => {
      const segs = parseSymbolic(s);
      return coversHome(g.segs) && segs[0] === '~' ? true : overlaps(g.segs, segs);
    });
    if (secrets.length > 0) {
      const names = [...new Set(secrets.map(([, what]) => what))];
      const shown =
        names.length > 3
          ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
          : names.join(', ');
      add(
        'fs-secret-path',
        pointer,
        `"${g.path}" covers ${shown}`,
        'grant a narrower folder that holds no keys or credentials',
      );
    }
  });
  compareWithin(
    grants,
    (outer, inner) =>
      inner.access === 'read' || outer.access === 'write'
        ? segmentsCover(outer.segs, inner.segs)
        : false,
    (a, b) => a.path === b.path && a.access === b.access,
    section,
    'fs',
    (g) => `${g.access} ${g.path}`,
    add,
  );
}

/**
 * grant-duplicate and grant-overlap inside one list: `covers(outer, inner)` says inner adds
 * nothing; `same` says the two are the same grant.
 */
function compareWithin<T>(
  grants: readonly T[],
  covers: (outer: T, inner: T) => boolean,
  same: (a: T, b: T) => boolean,
  section: string,
  list: string,
  describe: (g: T) => string,
  add: Add,
): void {
  grants.forEach((g, i) => {
    const pointer = toPointer([section, list, i]);
    const twin = grants.findIndex((o, j) => j < i && same(o, g));
    if (twin !== -1) {
      add(
        'grant-duplicate',
        pointer,
        `${list}[${i}] (${describe(g)}) repeats ${list}[${twin}]`,
        'remove one of the two',
      );
      return;
    }
    const wider = grants.findIndex(
      (o, j) => j !== i && !same(o, g) && covers(o, g) && !(covers(g, o) && j > i),
    );
    if (wider !== -1)
      add(
        'grant-overlap',
        pointer,
        `${list}[${i}] (${describe(g)}) is already covered by ${list}[${wider}] (${describe(grants[wider]!)})`,
        `remove ${list}[${i}], or narrow ${list}[${wider}]`,
      );
  });
}

// ---- network ---------------------------------------------------------------------------------

interface ParsedNet {
  pattern: HostPattern;
  ports: number[];
  host: string;
}

function parsedNet(p: Permissions): (ParsedNet | null)[] {
  return (p.net ?? []).map((g) => {
    const r = parseHostPattern(g.host);
    return r.ok
      ? { pattern: r.pattern, ports: [...(g.ports ?? DEFAULT_PORTS)], host: g.host }
      : null;
  });
}

function netCovers(outer: ParsedNet, inner: ParsedNet): boolean {
  if (!inner.ports.every((port) => outer.ports.includes(port))) return false;
  const o = outer.pattern;
  const i = inner.pattern;
  if (!o.wildcard) return !i.wildcard && o.host === i.host && o.kind === i.kind;
  return i.kind === 'name' && (i.host.endsWith('.' + o.host) || (i.wildcard && i.host === o.host));
}

function sharedSuffix(host: string): boolean {
  const labels = host.split('.');
  if (labels.length === 1) return true;
  if (labels.length === 2 && SECOND_LEVEL.has(labels[0]!) && /^[a-z]{2}$/.test(labels[1]!))
    return true;
  return SHARED_SUFFIXES.has(host) || host.endsWith('.amazonaws.com');
}

/** Where an address of this class leads, for the lint message (public ones lead nowhere local). */
const LOCAL_PLACES: Partial<Record<AddressClass, string>> = {
  loopback: 'this machine',
  unspecified: 'this machine',
  reserved: 'this machine or a reserved range',
  'cloud-metadata': 'the cloud metadata service, which hands out credentials',
  'link-local': 'the link-local network, where cloud metadata services hand out credentials',
  private: 'the local network',
  'carrier-grade-nat': 'the local network',
  multicast: 'the local network (multicast)',
};

/** The local place a grant's host reaches, or null for a public one (the proxy's own classes). */
function localAddress(p: HostPattern): string | null {
  if (p.kind === 'name')
    return p.host === 'localhost' || p.host.endsWith('.localhost')
      ? 'this machine'
      : p.host.endsWith('.local')
        ? 'the local network (mDNS)'
        : null;
  const c = classifyAddress(p.host);
  return c === null ? null : (LOCAL_PLACES[c.class] ?? null);
}

function lintNet(p: Permissions, section: string, add: Add): void {
  const grants = parsedNet(p);
  grants.forEach((g, i) => {
    if (!g) return;
    const pointer = toPointer([section, 'net', i]);
    if (g.pattern.wildcard && sharedSuffix(g.pattern.host))
      add(
        'net-shared-wildcard',
        pointer,
        `"${g.host}" admits every site under ${g.pattern.host}, where anyone can host a server`,
        `list the exact hosts, e.g. "myapp.${g.pattern.host}"`,
      );
    const http = g.ports.filter((port) => PLAIN_HTTP_PORTS.has(port));
    if (http.length > 0)
      add(
        'net-plain-http',
        pointer,
        `"${g.host}" opens port ${http.join(', ')}, usually plain HTTP that anyone on the path can read and change`,
        'use HTTPS on port 443',
      );
    const shown = formatHostPattern(g.pattern);
    if (shown !== g.host && `[${shown}]` !== g.host)
      add(
        'grant-spelling',
        pointer,
        `"${g.host}" is matched as "${shown}"`,
        /[^ -~]/.test(g.host)
          ? 'nothing to change; check that this punycode name is the host you meant'
          : `write "${shown}"`,
      );
    const local = localAddress(g.pattern);
    if (local)
      add(
        'net-local-address',
        pointer,
        `"${g.host}" reaches ${local}`,
        'grant only the public hosts the extension needs; talk to local services through ipc',
      );
  });
  const valid = grants.filter((g): g is ParsedNet => g !== null);
  compareWithin(
    valid,
    netCovers,
    (a, b) =>
      a.pattern.host === b.pattern.host &&
      a.pattern.wildcard === b.pattern.wildcard &&
      a.ports.join() === b.ports.join(),
    section,
    'net',
    (g) => `${g.host}:${g.ports.join(',')}`,
    add,
  );
}

// ---- ipc, optional, spawn ------------------------------------------------------------------------

function ipcCovers(
  outer: { channel: string; access: string },
  inner: { channel: string; access: string },
): boolean {
  return (
    outer.channel === inner.channel && (outer.access === 'both' || outer.access === inner.access)
  );
}

function lintIpc(p: Permissions, section: string, add: Add): void {
  compareWithin(
    p.ipc ?? [],
    ipcCovers,
    (a, b) => a.channel === b.channel && a.access === b.access,
    section,
    'ipc',
    (g) => `${g.access} ${g.channel}`,
    add,
  );
}

function lintOptional(required: Permissions, optional: Permissions, add: Add): void {
  const req = (required.fs ?? []).map((g) => ({ ...g, segs: symbolic(g.path) }));
  (optional.fs ?? []).forEach((g, i) => {
    const segs = symbolic(g.path);
    const j = req.findIndex(
      (r) => segmentsCover(r.segs, segs) && (r.access === 'write' || g.access === 'read'),
    );
    if (j !== -1) report('fs', i, j, `${g.access} ${g.path}`);
  });
  const reqNet = parsedNet(required);
  parsedNet(optional).forEach((g, i) => {
    const j = g ? reqNet.findIndex((r) => r !== null && netCovers(r, g)) : -1;
    if (g && j !== -1) report('net', i, j, `${g.host}:${g.ports.join(',')}`);
  });
  (optional.ipc ?? []).forEach((g, i) => {
    const j = (required.ipc ?? []).findIndex((r) => ipcCovers(r, g));
    if (j !== -1) report('ipc', i, j, `${g.access} ${g.channel}`);
  });
  if (optional.process?.spawn && required.process?.spawn)
    add(
      'optional-duplicates-required',
      '/optionalPermissions/process/spawn',
      'optional spawn is already granted by permissions.process.spawn',
      'remove it from optionalPermissions',
    );

  function report(list: string, i: number, j: number, what: string) {
    add(
      'optional-duplicates-required',
      toPointer(['optionalPermissions', list, i]),
      `optional ${list}[${i}] (${what}) is already granted by permissions ${list}[${j}], so the user is never asked`,
      `remove it from optionalPermissions, or move permissions ${list}[${j}] there`,
    );
  }
}

function lintSpawn(policy: PolicyInput, add: Add): void {
  const spawnPointer = policy.permissions.process?.spawn
    ? '/permissions/process/spawn'
    : policy.optionalPermissions.process?.spawn
      ? '/optionalPermissions/process/spawn'
      : null;
  if (!spawnPointer) return;
  for (const [section, p] of [
    ['permissions', policy.permissions],
    ['optionalPermissions', policy.optionalPermissions],
  ] as const) {
    (p.fs ?? []).forEach((g, i) => {
      if (g.access !== 'write') return;
      const segs = symbolic(g.path);
      const place = EXEC_PLACES.find(({ place, inside }) => {
        const target = parseSymbolic(place);
        return segmentsCover(segs, target, true) || (inside && segmentsCover(target, segs, true));
      })?.place;
      const pointer = toPointer([section, 'fs', i]);
      const fix =
        'drop spawn, or grant write access only to a data folder such as "${documents}/reports"';
      if (place)
        add(
          'spawn-with-writable-exec',
          pointer,
          `with spawn, write access to "${g.path}" lets the extension plant a program where it (or you) will run it (${place})`,
          fix,
        );
      else if (segs[0] === '${workspace}' && segs.length === 1)
        add(
          'spawn-with-writable-exec',
          pointer,
          `with spawn, write access to "${g.path}" lets the extension change scripts, hooks (.git/hooks) and tool binaries (node_modules/.bin) that run later`,
          'drop spawn, or grant write access only to the sub-folder it writes, e.g. "${workspace}/out"',
          'warning',
        );
    });
  }
}

/** A grant path without "//", "." segments or a trailing "/" (what it is matched as). */
function normalGrantPath(path: string): string {
  const m = /^(\$\{[A-Za-z]+\})?(.*)$/s.exec(path)!;
  const rest = m[2]!.split('/').filter((s) => s !== '' && s !== '.');
  if (m[1]) return [m[1], ...rest].join('/');
  return '/' + rest.join('/');
}
