// Canned, contract-valid data for the fake Corral host: a handful of extensions in every state
// (one with a spoofing name), their grants, a reduced-mode doctor report, settings, and a seeded
// generator of realistic audit events. Pure, so the renderer's unit tests and the e2e fixture
// server share it.
import type {
  AlertView,
  CommandView,
  ConsentItemView,
  DeniedAlways,
  DoctorReportView,
  EventPayload,
  ExtensionDetails,
  ExtensionSummary,
  GrantView,
  Settings,
  TrustedKeyView,
} from '../../app/contract/index.ts';

export type AuditEvent = EventPayload<'onAuditEvents'>['events'][number];

const item = (
  sentence: string,
  risk: ConsentItemView['risk'],
  grant: string,
  rules: string[],
  optional = false,
  notes: string[] = [],
): ConsentItemView => ({ sentence, risk, grant, optional, rules, notes });

const grant = (rule: string, state: GrantView['state'], consent: ConsentItemView): GrantView => ({
  rule,
  state,
  item: consent,
});

const summary = (
  s: Partial<ExtensionSummary> & Pick<ExtensionSummary, 'id' | 'name'>,
): ExtensionSummary => ({
  version: '1.0.0',
  publisher: s.id.split('.')[0]!,
  description: '',
  state: 'stopped',
  stateReason: '',
  enabled: true,
  quarantine: null,
  signature: { status: 'signed', keyId: 'ed25519:7f3a9c21', publisher: s.id.split('.')[0]! },
  pendingUpdate: null,
  previousVersion: null,
  resources: null,
  ...s,
});

/** The installed extensions with their details (grants, commands, limits, log). */
export function cannedExtensions(now: number): ExtensionDetails[] {
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
  const notes = summary({
    id: 'acme.notes-sync',
    name: 'Notes Sync',
    version: '1.4.2',
    publisher: 'acme',
    description: 'Keeps the Markdown notes in your Documents folder in sync with Acme Cloud.',
    state: 'running',
    stateReason: 'Started for the command notes.sync',
    resources: { cpuPercent: 3.2, rssBytes: 48_500_000, processes: 1, openFds: 14 },
  });
  const wordcount = summary({
    id: 'corral.wordcount',
    name: 'Word Count',
    version: '1.0.0',
    publisher: 'corral',
    description: 'Counts the words in the files of your workspace.',
    state: 'stopped',
    stateReason: 'Idle for 5 minutes; starts again on demand',
    signature: { status: 'signed', keyId: 'ed25519:0c4e8d11', publisher: 'corral' },
  });
  const resizer = summary({
    id: 'pixel.resizer',
    name: 'Photo Resizer',
    version: '2.1.0',
    publisher: 'pixel',
    description: 'Makes smaller copies of the photos in your Pictures folder with ImageMagick.',
    state: 'disabled',
    stateReason: 'Disabled by you',
    enabled: false,
    signature: { status: 'unsigned' },
  });
  const git = summary({
    id: 'devtools.git-helper',
    name: 'Git Helper',
    version: '0.9.1',
    publisher: 'devtools',
    description: 'Shows the status of the Git repositories in your workspace.',
    state: 'running',
    stateReason: 'Started with the host (its manifest asks to)',
    signature: { status: 'untrusted', keyId: 'ed25519:b71d0e55' },
    pendingUpdate: { version: '1.0.0' },
    previousVersion: '0.8.0',
    resources: { cpuPercent: 11.7, rssBytes: 96_200_000, processes: 3, openFds: 31 },
  });
  const clip = summary({
    id: 'shady.clip-sync',
    name: 'Clipboard Sync',
    version: '0.2.0',
    publisher: 'shady',
    description: 'Shares your clipboard between your computers.',
    state: 'quarantined',
    stateReason: 'Quarantined by you',
    enabled: false,
    quarantine: { at: at(3600 * 5), reason: 'Tried to read ~/.ssh 40 times in a minute' },
    signature: { status: 'unsigned' },
  });
  const spoof = summary({
    id: 'evil.invoice',
    name: 'Invoice\u202Egnp.exe',
    version: '0.0.1',
    publisher: 'evil\u200Btrusted',
    description: 'Totally harmless \u001b[31mred text\u001b[0m and <script>alert(1)</script>.',
    state: 'crashed',
    stateReason: '2 crashes within 60 s; restarting in 4 s',
    signature: { status: 'unsigned' },
  });

  const readNotes = item('Read and change files in Documents/Notes', 'medium', 'fs[0]', [
    'write ${documents}/Notes',
  ]);
  const ownData = item('Keep its own data', 'low', 'fs[1]', ['write ${extensionData}']);
  const cloud = item('Connect to api.acme-cloud.example (port 443)', 'medium', 'net[0]', [
    'connect api.acme-cloud.example:443',
  ]);
  const downloads = item(
    'Read files in your Downloads folder',
    'medium',
    'optional fs[2]',
    ['read ${downloads}'],
    true,
  );
  const upload = item(
    'Connect to upload.tracker.example (port 443)',
    'high',
    'optional net[1]',
    ['connect upload.tracker.example:443'],
    true,
    ['This host is not the publisher’s own domain.'],
  );
  const log = (
    secondsAgo: number,
    text: string,
    stream: 'stdout' | 'stderr' | 'log' = 'log',
    level?: 'info' | 'warn' | 'error',
  ) => ({
    ts: at(secondsAgo),
    stream,
    text,
    ...(level ? { level } : {}),
  });

  const limits = [
    item('Use at most 256 MB of memory', 'low', 'limits.memoryMB', ['limit memory 256 MB']),
    item('Run at most 8 processes', 'low', 'limits.processes', ['limit processes 8']),
  ];
  return [
    {
      summary: notes,
      grants: [
        grant('write ${documents}/Notes', 'granted', readNotes),
        grant('write ${extensionData}', 'granted', ownData),
        grant('connect api.acme-cloud.example:443', 'granted', cloud),
        grant('read ${downloads}', 'ask', downloads),
        grant('connect upload.tracker.example:443', 'denied-always', upload),
      ],
      commands: [
        {
          extensionId: notes.id,
          extensionName: notes.name,
          command: 'notes.sync',
          title: 'Sync notes now',
        },
        {
          extensionId: notes.id,
          extensionName: notes.name,
          command: 'notes.search',
          title: 'Search notes',
        },
      ],
      limits,
      recentLog: [
        log(240, 'Connected to api.acme-cloud.example', 'log', 'info'),
        log(180, 'Synced 42 notes (3 changed)', 'log', 'info'),
        log(120, 'Retrying upload of Meeting.md: 503 from the server', 'log', 'warn'),
        log(60, 'Synced 43 notes (1 changed)', 'stdout'),
      ],
      recentEvents: [],
    },
    {
      summary: wordcount,
      grants: [
        grant(
          'read ${workspace}',
          'granted',
          item('Read files in the workspace you open', 'low', 'fs[0]', ['read ${workspace}']),
        ),
      ],
      commands: [
        {
          extensionId: wordcount.id,
          extensionName: wordcount.name,
          command: 'wordcount.count',
          title: 'Count words in a file',
        },
      ],
      limits,
      recentLog: [],
      recentEvents: [],
    },
    {
      summary: resizer,
      grants: [
        grant(
          'write ${pictures}',
          'granted',
          item('Read and change every file in Pictures', 'high', 'fs[0]', ['write ${pictures}']),
        ),
        grant(
          'spawn /usr/bin/convert',
          'revoked',
          item('Run /usr/bin/convert', 'high', 'process.spawn', ['spawn /usr/bin/convert']),
        ),
      ],
      commands: [],
      limits,
      recentLog: [],
      recentEvents: [],
    },
    {
      summary: git,
      grants: [
        grant(
          'read ${workspace}',
          'granted',
          item('Read files in the workspace you open', 'low', 'fs[0]', ['read ${workspace}']),
        ),
        grant(
          'spawn /usr/bin/git',
          'allowed-always',
          item('Run /usr/bin/git', 'medium', 'process.spawn', ['spawn /usr/bin/git']),
        ),
      ],
      commands: [
        {
          extensionId: git.id,
          extensionName: git.name,
          command: 'git.status',
          title: 'Show Git status',
        },
      ],
      limits,
      recentLog: [log(30, 'On branch main, 2 files changed', 'stdout')],
      recentEvents: [],
    },
    {
      summary: clip,
      grants: [
        grant(
          'read ${home}',
          'granted',
          item('Read every file in your home folder', 'high', 'fs[0]', ['read ${home}']),
        ),
      ],
      commands: [],
      limits,
      recentLog: [log(18_000, 'reading /home/alex/.ssh/id_ed25519', 'stderr', 'error')],
      recentEvents: [],
    },
    {
      summary: spoof,
      grants: [
        grant(
          'read ${downloads}',
          'granted',
          item('Read files in your Downloads folder\u202E', 'medium', 'fs[0]', [
            'read ${downloads}',
          ]),
        ),
      ],
      commands: [
        {
          extensionId: spoof.id,
          extensionName: spoof.name,
          command: 'invoice.open',
          title: 'Open \u001b]0;pwned\u0007invoice',
        },
      ],
      limits,
      recentLog: [log(5, '\u001b[2J\u001b[Hcleared your screen\u0007', 'stdout')],
      recentEvents: [],
    },
  ];
}

/** A machine where user namespaces are refused: the sandbox runs in reduced mode. */
export const reducedDoctor: DoctorReportView = {
  mode: 'reduced',
  summary:
    'This machine refuses unprivileged user namespaces, so extensions run without their own mount, process and network namespaces. Landlock and seccomp still confine every extension, and every access is still decided and audited.',
  layers: [
    {
      layer: 'user namespace',
      ok: false,
      role: 'Runs the sandbox as an unprivileged user of its own',
      detail: 'unshare(CLONE_NEWUSER) failed: EPERM',
      hint: 'kernel.unprivileged_userns_clone=0',
    },
    {
      layer: 'mount namespace',
      ok: false,
      role: 'Shows the extension only the folders it was granted',
      detail: 'needs a user namespace',
    },
    {
      layer: 'pid namespace',
      ok: false,
      role: 'Hides the other processes on this machine',
      detail: 'needs a user namespace',
    },
    {
      layer: 'network namespace',
      ok: false,
      role: 'Gives the extension no network but the proxy',
      detail: 'needs a user namespace',
    },
    { layer: 'landlock', ok: true, role: 'Limits the files it may open', detail: 'ABI 7' },
    {
      layer: 'seccomp',
      ok: true,
      role: 'Refuses the system calls it does not need',
      detail: 'filter with user notification',
    },
    { layer: 'rlimits', ok: true, role: 'Caps memory, processes and files', detail: 'in force' },
  ],
  degradations: [
    'An extension can see the list of processes on this machine.',
    'Network access is held to the allowed hosts by Landlock and the proxy, not by a private network.',
  ],
  remedies: [
    'Allow unprivileged user namespaces: sudo sysctl -w kernel.unprivileged_userns_clone=1',
    'On Ubuntu 23.10 or later, install Corral from its .deb, which adds an AppArmor profile for the sandbox helper.',
  ],
  memoryLayer: 'rlimits only (RLIMIT_DATA)',
};

export const fullDoctor: DoctorReportView = {
  mode: 'full',
  summary: 'Every isolation layer is available: extensions run in full isolation.',
  layers: reducedDoctor.layers.map((l) => ({ ...l, ok: true, detail: 'available' })),
  degradations: [],
  remedies: [],
  memoryLayer: 'cgroup v1 memory',
};

export const cannedSettings: Settings = {
  requireSignatures: false,
  promptTimeoutSeconds: 60,
  auditRetentionDays: 90,
  keepRunningInBackground: true,
};

export function cannedTrustedKeys(now: number): TrustedKeyView[] {
  return [
    {
      keyId: 'ed25519:7f3a9c21',
      publisher: 'acme',
      addedAt: new Date(now - 86_400_000 * 30).toISOString(),
    },
    {
      keyId: 'ed25519:0c4e8d11',
      publisher: 'corral',
      addedAt: new Date(now - 86_400_000 * 60).toISOString(),
    },
  ];
}

export function cannedDeniedAlways(now: number): DeniedAlways[] {
  return [
    {
      ext: 'acme.notes-sync',
      rule: 'connect upload.tracker.example:443',
      sentence: 'Connect to upload.tracker.example (port 443)',
      at: new Date(now - 86_400_000 * 2).toISOString(),
    },
  ];
}

export function cannedAlerts(now: number): AlertView[] {
  return [
    {
      seq: 1,
      ts: new Date(now - 600_000).toISOString(),
      ext: 'shady.clip-sync',
      rule: 'denial-burst',
      message: '40 denials in one minute: reads of ~/.ssh were refused',
    },
    {
      seq: 2,
      ts: new Date(now - 240_000).toISOString(),
      ext: 'devtools.git-helper',
      rule: 'sustained-cpu',
      message: 'Above 80% CPU for 2 minutes',
    },
  ];
}

/** The commands of the enabled extensions. */
export function commandsOf(extensions: readonly ExtensionDetails[]): CommandView[] {
  return extensions.filter((e) => e.summary.enabled).flatMap((e) => e.commands);
}

/** A small deterministic generator (mulberry32), so every run sees the same log. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type EventShape = Omit<AuditEvent, 'v' | 'seq' | 'ts'>;

const SHAPES: EventShape[] = [
  {
    ext: 'acme.notes-sync',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/home/alex/Documents/Notes/Meeting.md',
    decision: 'allow',
    reason: 'grant fs[0]',
    durationUs: 180,
  },
  {
    ext: 'acme.notes-sync',
    layer: 'broker',
    kind: 'fs',
    op: 'write',
    target: '/home/alex/Documents/Notes/Ideas.md',
    decision: 'allow',
    reason: 'grant fs[0]',
    durationUs: 420,
  },
  {
    ext: 'acme.notes-sync',
    layer: 'broker',
    kind: 'net',
    op: 'fetch',
    target: 'https://api.acme-cloud.example/v2/notes',
    decision: 'allow',
    reason: 'grant net[0]',
    durationUs: 48_000,
  },
  {
    ext: 'acme.notes-sync',
    layer: 'broker',
    kind: 'net',
    op: 'connect',
    target: 'upload.tracker.example:443',
    decision: 'deny',
    reason: 'denied always by you',
    durationUs: 40,
  },
  {
    ext: 'devtools.git-helper',
    layer: 'broker',
    kind: 'process',
    op: 'spawn',
    target: '/usr/bin/git status --porcelain',
    decision: 'allow',
    reason: 'grant process.spawn',
    durationUs: 9_800,
  },
  {
    ext: 'devtools.git-helper',
    layer: 'broker',
    kind: 'fs',
    op: 'list',
    target: '/home/alex/work/corral',
    decision: 'allow',
    reason: 'grant fs[0]',
    durationUs: 260,
  },
  {
    ext: 'devtools.git-helper',
    layer: 'kernel',
    kind: 'fs',
    op: 'open',
    target: '/home/alex/.gitconfig',
    decision: 'deny',
    reason: 'landlock: not granted',
  },
  {
    ext: 'shady.clip-sync',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/home/alex/.ssh/id_ed25519',
    decision: 'deny',
    reason: 'no grant covers this path',
    durationUs: 35,
  },
  {
    ext: 'shady.clip-sync',
    layer: 'kernel',
    kind: 'process',
    op: 'syscall',
    target: 'ptrace',
    decision: 'deny',
    reason: 'seccomp: not allowed',
  },
  {
    ext: 'corral.wordcount',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/home/alex/work/report.md',
    decision: 'allow',
    reason: 'grant fs[0]',
    durationUs: 150,
  },
  {
    ext: 'evil.invoice',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/home/alex/Downloads/\u202Efdp.exe',
    decision: 'deny',
    reason: 'no grant covers this path',
    durationUs: 30,
  },
  {
    ext: 'acme.notes-sync',
    layer: 'host',
    kind: 'permission',
    op: 'prompt',
    target: 'read ${downloads}',
    decision: 'allow',
    reason: 'allowed once by desktop window',
  },
  {
    ext: 'devtools.git-helper',
    layer: 'host',
    kind: 'lifecycle',
    op: 'start',
    target: 'devtools.git-helper 0.9.1',
    outcome: 'ok',
    reason: 'started with the host',
  },
  {
    ext: 'pixel.resizer',
    layer: 'kernel',
    kind: 'limit',
    op: 'memory',
    target: 'RLIMIT_DATA 256 MB',
    outcome: 'limit',
    reason: 'limit reached: limits.memoryMB',
  },
];

/**
 * `count` events with seqs from `firstSeq`, spread evenly over the `spanMs` before `endMs`. With
 * `distinct`, every target is a string of its own (as in a real log), not shared between events.
 */
export function generateAuditEvents(
  firstSeq: number,
  count: number,
  endMs: number,
  spanMs: number,
  seed = 7,
  distinct = false,
): AuditEvent[] {
  const next = random(seed + firstSeq);
  const out: AuditEvent[] = [];
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[Math.floor(next() * SHAPES.length)]!;
    const ts = new Date(endMs - spanMs + Math.floor(((i + 1) * spanMs) / count)).toISOString();
    const event: AuditEvent = { v: 2, seq: firstSeq + i, ts, ...shape };
    if (distinct) event.target = `${shape.target}?n=${firstSeq + i}`;
    out.push(event);
  }
  return out;
}
