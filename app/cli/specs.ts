// Every `corral` command's arguments, in one table: what `corral --help` lists, what each command
// parses (args.ts), and what `corral COMMAND --help` prints. Data only, so that the list costs
// nothing at start-up and a command's arguments are read in one place.
import { auditKindSchema, auditOutcomeSchema } from '../audit-event/event.ts';
import {
  ArgError,
  defineCommand,
  jsonArray,
  oneOf,
  wholeNumber,
  type CommandSpec,
} from './args.ts';

const manifestNote =
  'exit status: 0 done; 1 refused (the reason is one line on stderr); 2 usage error.';

export const execSpec = defineCommand({
  name: 'exec',
  summary: 'run any command in the sandbox built from a policy file',
  positionals: [],
  options: {
    policy: {
      metavar: 'FILE',
      help: 'a manifest, or a file with permissions and limits (none: deny everything)',
    },
    workspace: { metavar: 'DIR', help: 'the folder ${workspace} stands for' },
    audit: { metavar: 'FILE', help: 'append the audit events to FILE as JSON lines' },
  },
  trailing: { name: 'CMD [ARGS...]', help: 'the program to run and its arguments' },
  usageExit: 125,
  details: [
    "exit status: the command's own; 125 when the sandbox could not be set up (nothing ran); 128+N when killed by signal N.",
  ],
});

export const runSpec = defineCommand({
  name: 'run',
  summary: 'run an unpacked or installed extension in its sandbox',
  positionals: [
    {
      name: 'DIR|ID',
      key: 'target',
      help: 'an extension folder (with corral.json), or the id of an installed extension',
    },
  ],
  options: {
    workspace: { metavar: 'DIR', help: 'the folder ${workspace} stands for' },
    command: { metavar: 'ID', help: 'run this contributed command, print its result and stop' },
    args: {
      metavar: 'JSON',
      help: `the command's arguments as a JSON array, e.g. '["notes.md"]'`,
      parse: jsonArray,
    },
    audit: {
      metavar: 'FILE',
      help: 'append the audit events to FILE as JSON lines (default: the audit store)',
    },
  },
  details: [
    'Without --command the extension stays up until Ctrl-C; its output, log lines and permission questions appear on this terminal.',
    'exit status: 0 done; 1 the extension or its command failed (why, on stderr); 2 usage error; 125 no sandbox.',
  ],
});

export const devSpec = defineCommand({
  name: 'dev',
  summary: "debug an extension: production's sandbox and rules, mock files and endpoints, reload",
  positionals: [{ name: 'DIR', help: 'the extension folder (with corral.json)' }],
  options: {
    workspace: {
      metavar: 'DIR',
      help: 'a real folder for ${workspace} (default: the mock one, from --fixtures)',
    },
    net: {
      metavar: 'log|allow',
      help: 'allow what production would deny on the network: log shows each access, allow each host once',
      parse: oneOf(['log', 'allow']),
    },
    fixtures: {
      metavar: 'DIR',
      help: 'the mock files: DIR/workspace, DIR/home, DIR/documents, DIR/downloads, DIR/extensionData (copied per session)',
    },
    endpoints: {
      metavar: 'FILE',
      help: 'canned HTTP responses (JSON) served for the hosts they name instead of the real services',
    },
    learn: {
      help: 'record what the extension tries and propose the smallest permissions (written only if you say yes)',
    },
    audit: {
      metavar: 'FILE',
      help: 'append the debug audit events to FILE as JSON lines (default: dev-audit.db beside the audit store)',
    },
  },
  details: [
    'At the dev> prompt: COMMAND [ARGS] runs a command (ARGS as JSON values or words), "allow", "always" or "deny" answers the question shown, "send TEXT" types into the extension\'s terminal, "reload", "learn", "help", "quit".',
    'Every relaxation is listed when the session starts; an access only debug mode allowed is marked "would be denied in production", and every debug event is recorded as extension "debug:ID", never in the production audit log.',
    'exit status: 0 done; 1 the session could not start (why, on stderr); 2 usage error; 125 no sandbox.',
  ],
});

export const doctorSpec = defineCommand({
  name: 'doctor',
  summary: 'which isolation layers this machine offers and which the sandbox uses',
  positionals: [],
  options: { json: { help: 'print the report as JSON' } },
  details: ['exit status: 0 the sandbox can run; 1 this machine refuses it; 125 no helper.'],
});

export const logSpec = defineCommand({
  name: 'log',
  summary: 'read, follow, export or verify the audit log',
  positionals: [],
  options: {
    follow: { help: 'keep printing new events until Ctrl-C' },
    ext: { metavar: 'ID', help: "only this extension's events" },
    kind: {
      metavar: 'KIND',
      help: 'only fs, net, ipc, process, limit, permission or lifecycle events',
      parse: oneOf(auditKindSchema.options),
    },
    decision: {
      metavar: 'allow|deny',
      help: 'only what the policy allowed, or only what it refused',
      parse: oneOf(['allow', 'deny']),
    },
    outcome: {
      metavar: 'O',
      help: 'only events that came out so: ok, failed, crashed, timeout, limit or alert',
      parse: oneOf(auditOutcomeSchema.options),
    },
    since: { metavar: 'T', help: 'from a time (2026-11-25T21:00:00Z) or a duration ago (15m, 2h)' },
    until: { metavar: 'T', help: 'up to a time or a duration ago' },
    limit: {
      metavar: 'N',
      help: 'only the newest N events',
      parse: wholeNumber(1, 'events'),
    },
    json: { help: 'JSON lines' },
    csv: { help: 'CSV with a header' },
    verify: { help: "check the store's hash chain instead of printing" },
    file: { metavar: 'PATH', help: 'an audit store (.db) or a JSON-lines file from --audit' },
  },
  details: ['exit status: 0 done; 1 no log, or a broken chain; 2 usage error.'],
});

export const lintSpec = defineCommand({
  name: 'lint',
  summary: 'lint an extension folder, a manifest (corral.json) or a rules file',
  positionals: [
    {
      name: 'PATH',
      help: 'an extension folder (its corral.json, its rules file and its main are checked), corral.json, a policy file or a rules file',
    },
  ],
  options: {
    json: { help: 'one JSON object (per run with --watch), for CI' },
    watch: { help: 'lint again whenever the files change, until Ctrl-C' },
  },
  details: [
    'Every problem is reported in one pass: schema errors, risky grants, a missing main.',
    'exit status: 0 clean or only warnings; 1 any error; 2 usage error or an unreadable file.',
  ],
});

export const policyCompileSpec = defineCommand({
  name: 'policy compile',
  summary: 'print the manifest fragment a rules file compiles to',
  positionals: [{ name: 'RULES', help: 'a rules file (one rule per line)' }],
  options: {},
  details: [
    'exit status: 0 printed; 1 the rules have errors; 2 usage error or an unreadable file.',
  ],
});

export const installSpec = defineCommand({
  name: 'install',
  summary: 'install or update an extension from a folder, .tgz or .zip',
  positionals: [{ name: 'PKG', help: 'an extension folder, or its .tgz or .zip package' }],
  options: { yes: { help: 'consent to the permissions printed, without asking' } },
  details: [
    'exit status: 0 installed, updated or already installed; 1 refused; 2 usage error; 3 the update waits for consent ("corral approve ID").',
  ],
});

export const approveSpec = defineCommand({
  name: 'approve',
  summary: 'review an update that waits for consent',
  positionals: [{ name: 'ID', help: 'the extension whose update waits' }],
  options: {
    yes: { help: 'consent to the new permissions printed, without asking' },
    reject: { help: 'drop the waiting update' },
  },
  details: ['exit status: 0 updated or dropped; 1 refused; 2 usage error; 3 it still waits.'],
});

export const listSpec = defineCommand({
  name: 'list',
  summary: 'installed extensions, their state, signature and grants',
  positionals: [],
  options: { json: { help: 'print them as JSON' } },
});

export const uninstallSpec = defineCommand({
  name: 'uninstall',
  summary: 'remove an extension, every version of it, and its data',
  positionals: [{ name: 'ID', help: 'the installed extension' }],
  options: { 'keep-data': { help: 'keep its data folder (${extensionData})' } },
  details: [manifestNote],
});

export const enableSpec = defineCommand({
  name: 'enable',
  summary: 'let an installed extension run',
  positionals: [{ name: 'ID', help: 'the installed extension' }],
  options: {
    'lift-quarantine': { help: 'end its quarantine too (its revoked grants stay revoked)' },
  },
  details: [manifestNote],
});

export const disableSpec = defineCommand({
  name: 'disable',
  summary: 'stop an installed extension from running',
  positionals: [{ name: 'ID', help: 'the installed extension' }],
  options: {},
  details: [manifestNote],
});

export const revokeSpec = defineCommand({
  name: 'revoke',
  summary: 'take one grant away from an installed extension',
  positionals: [
    { name: 'ID', help: 'the installed extension' },
    {
      name: 'RULE',
      variadic: true,
      help: "a rule line, in quotes or as words: 'read ${downloads}', 'connect api.github.com:443'",
    },
  ],
  options: { undo: { help: 'give the grant back from its next start' } },
  details: [manifestNote],
});

export const quarantineSpec = defineCommand({
  name: 'quarantine',
  summary: 'stop, disable and flag an extension; keep its files for inspection',
  positionals: [{ name: 'ID', help: 'the installed extension' }],
  options: { reason: { metavar: 'TEXT', help: 'why, for the record (default: by the user)' } },
  details: [manifestNote],
});

export const rollbackSpec = defineCommand({
  name: 'rollback',
  summary: 'return an extension to the version before its last update',
  positionals: [{ name: 'ID', help: 'the installed extension' }],
  options: {},
  details: [manifestNote],
});

export const trustAddSpec = defineCommand({
  name: 'trust add',
  summary: "accept a publisher's signatures",
  positionals: [{ name: 'KEYFILE', help: "the publisher's public key (PEM, from corral keygen)" }],
  options: {
    publisher: {
      metavar: 'NAME',
      required: true,
      help: 'the only publisher whose packages this key may sign',
    },
  },
  details: [manifestNote],
});

export const trustListSpec = defineCommand({
  name: 'trust list',
  summary: 'the publisher keys you trust, and whether unsigned packages are refused',
  positionals: [],
  options: { json: { help: 'print them as JSON' } },
});

export const trustRemoveSpec = defineCommand({
  name: 'trust remove',
  summary: 'stop trusting a publisher key',
  positionals: [{ name: 'KEYID', help: 'the key id "corral trust list" shows' }],
  options: {},
  details: [manifestNote],
});

export const trustRequireSpec = defineCommand({
  name: 'trust require',
  summary: 'refuse (on) or accept (off) unsigned packages',
  positionals: [{ name: 'on|off', key: 'setting', help: 'on: refuse unsigned packages' }],
  options: {},
  details: [manifestNote],
});

export const signSpec = defineCommand({
  name: 'sign',
  summary: 'sign an extension folder: write DIR/corral.sig (for publishers)',
  positionals: [{ name: 'DIR', help: 'the extension folder' }],
  options: {
    key: {
      metavar: 'KEYFILE',
      required: true,
      help: 'your ed25519 private key (from corral keygen); never inside DIR',
    },
  },
  details: [
    'The signature covers the files "corral pack" ships (.corralignore applies).',
    manifestNote,
  ],
});

export const serveSpec = defineCommand({
  name: 'serve',
  summary: "the desktop window's UI in a browser tab, on 127.0.0.1",
  positionals: [],
  options: {
    port: {
      metavar: 'N',
      help: 'the port to listen on (default: a free one)',
      parse: (raw) => {
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port > 65535)
          throw new ArgError('give a port number, 1 to 65535 (or leave it out for a free one)');
        return port;
      },
    },
    'no-open': { help: 'do not ask the desktop to open a browser' },
    workspace: { metavar: 'DIR', help: 'the folder extensions see as ${workspace}' },
  },
  details: ['It runs until Ctrl-C, then stops every extension and closes the audit log.'],
});

export const newSpec = defineCommand({
  name: 'new',
  summary: 'create a working extension from a template',
  positionals: [
    {
      name: 'NAME',
      help: 'the extension\'s name, or "publisher.name"; the folder ./name is created',
    },
  ],
  options: {
    template: {
      metavar: 'node|typescript|python|shell',
      required: true,
      help: 'the language of the extension',
      parse: oneOf(['node', 'typescript', 'python', 'shell']),
    },
    publisher: {
      metavar: 'NAME',
      help: 'the publisher part of its id (default: the one in NAME, else your user name)',
    },
    dir: { metavar: 'DIR', help: 'the folder to create (default ./name)' },
  },
  details: [
    'The folder holds corral.json, a rules file, the source, tests that pass, a README and .corralignore.',
    'exit status: 0 created; 1 refused (the folder exists, a bad name); 2 usage error.',
  ],
});

export const packSpec = defineCommand({
  name: 'pack',
  summary: 'make a reproducible .tgz of an extension folder, signed with --key',
  positionals: [{ name: 'DIR', help: 'the extension folder (.corralignore applies)' }],
  options: {
    key: { metavar: 'KEYFILE', help: 'sign it with your ed25519 private key (corral keygen)' },
    out: { metavar: 'FILE', help: 'where to write it (default ./ID-VERSION.tgz)' },
  },
  details: [
    'The same files give the same bytes: entries sorted, times, owners and modes fixed.',
    'exit status: 0 written; 1 refused (a bad manifest, a missing main, a private key inside); 2 usage error.',
  ],
});

export const keygenSpec = defineCommand({
  name: 'keygen',
  summary: 'make an ed25519 key pair for signing your extensions',
  positionals: [],
  options: {
    out: {
      metavar: 'FILE',
      help: 'the private key file (default ~/.config/corral/keys/signing-key.pem); FILE.pub beside it',
    },
  },
  details: [
    'The private key never goes inside an extension folder or a git repository; corral keygen refuses a folder that holds corral.json.',
    'exit status: 0 written; 1 refused (the file exists, an extension folder); 2 usage error.',
  ],
});

/** What `corral --help` lists, in this order; groups have verbs ("trust add"). */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  newSpec,
  lintSpec,
  runSpec,
  devSpec,
  execSpec,
  packSpec,
  keygenSpec,
  signSpec,
  installSpec,
  approveSpec,
  listSpec,
  enableSpec,
  disableSpec,
  revokeSpec,
  quarantineSpec,
  rollbackSpec,
  uninstallSpec,
  trustAddSpec,
  trustListSpec,
  trustRemoveSpec,
  trustRequireSpec,
  policyCompileSpec,
  logSpec,
  doctorSpec,
  serveSpec,
];
