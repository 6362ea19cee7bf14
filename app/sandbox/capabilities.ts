// What this machine can confine with: the helper's --check report (docs/sandbox-wire-format.md),
// validated, and the sandbox mode it allows. Pure, so every machine `corral doctor` may meet is a
// table test.
import { z } from 'zod';

const layerSchema = z.object({
  ok: z.boolean(),
  reason: z.string().optional(),
  abi: z.number().int().optional(),
});

export const checkReportSchema = z.object({
  version: z.literal(1),
  arch: z.string(),
  kernel: z.string(),
  layers: z.object({
    user: layerSchema,
    mount: layerSchema,
    pid: layerSchema,
    net: layerSchema,
    ipc: layerSchema,
    uts: layerSchema,
    cgroup: layerSchema,
    landlock: layerSchema,
    seccomp: layerSchema,
    seccompNotify: layerSchema,
    noNewPrivs: layerSchema,
  }),
});

export type CheckReport = z.infer<typeof checkReportSchema>;
export type LayerName = keyof CheckReport['layers'];

/** full: every layer; refused: a layer the sandbox cannot do without is missing. */
export type SandboxMode = 'full' | 'refused';

export interface LayerLine {
  layer: LayerName;
  ok: boolean;
  /** What it stops, in a few words. */
  role: string;
  /** Why it is missing and how to enable it (from the helper), when missing. */
  detail: string;
  /** Whether `full` mode needs it. */
  required: boolean;
}

export interface CapabilityVerdict {
  mode: SandboxMode;
  /** One sentence for the person: what will happen when an extension runs here. */
  summary: string;
  layers: LayerLine[];
}

const ROLES: Record<LayerName, { role: string; required: boolean }> = {
  user: { role: 'unprivileged namespaces (setuid-free)', required: true },
  mount: { role: 'a private file-system view (only granted paths exist)', required: true },
  pid: { role: 'host processes invisible; everything dies with the sandbox', required: true },
  net: { role: 'no network but loopback; traffic only through the broker', required: true },
  ipc: { role: 'no System V IPC or POSIX queues shared with the host', required: true },
  uts: { role: 'a private host name', required: true },
  cgroup: { role: 'the host cgroup tree hidden', required: true },
  landlock: {
    role: 'kernel access rules on files, TCP ports, signals, abstract sockets',
    required: true,
  },
  seccomp: { role: 'dangerous system calls refused', required: true },
  seccompNotify: { role: 'refused system calls reported to the audit log', required: true },
  noNewPrivs: { role: 'no privilege gain through setuid programs', required: true },
};

/** The mode this report allows and a line per layer. */
export function assessCapabilities(report: CheckReport): CapabilityVerdict {
  const layers = (Object.keys(ROLES) as LayerName[]).map((layer): LayerLine => {
    const l = report.layers[layer];
    const abi = layer === 'landlock' && l.ok && l.abi !== undefined ? `ABI ${l.abi}` : '';
    return {
      layer,
      ok: l.ok,
      role: ROLES[layer].role,
      detail: l.ok ? abi : (l.reason ?? 'not available'),
      required: ROLES[layer].required,
    };
  });
  const missing = layers.filter((l) => l.required && !l.ok);
  if (missing.length === 0) {
    return {
      mode: 'full',
      summary: 'Every isolation layer is available: extensions run fully sandboxed.',
      layers,
    };
  }
  return {
    mode: 'refused',
    summary: `Extensions will not run here: ${missing.map((l) => l.layer).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing, and Corral never runs anything with less protection than it promises.`,
    layers,
  };
}
