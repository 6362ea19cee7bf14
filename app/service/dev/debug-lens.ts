// What `corral dev` changes about production's decisions, in one place: every decision is
// production's own, seen by the learning run; a denial becomes an allow only where the author
// asked for it (`--net log|allow`, `--learn`), and then its reason says, in words the log and the
// audit store keep, that production would deny it. Never by default.
import type { Decider, Decision, PolicyRequest } from '../../policy/decide.ts';
import { isWithin, normalizeAbsolutePath } from '../../policy/paths.ts';

/** The words every relaxed decision's reason starts with (docs/audit.md). */
export const WOULD_BE_DENIED = 'would be denied in production';

export type NetRelaxation = 'deny' | 'log' | 'allow';

export interface DebugLensOptions {
  /** `--net`: deny (production, the default), log or allow. */
  net: NetRelaxation;
  /** `--learn`: file access under the mock folders and ipc are allowed so the run goes on. */
  learn: boolean;
  /** The folders a learning run may reach through the host (the mock folders, the workspace). */
  learnRoots: readonly string[];
  /** Whether host:port is answered by a synthetic endpoint (no real network is used for it). */
  synthetic: (host: string, port: number) => boolean;
  /** Every request and production's decision on it (the learning run's record). */
  observe?: (request: PolicyRequest, production: Decision) => void;
}

/** The lens over production's decider (GrantState applies it to every decider it builds). */
export function debugLens(o: DebugLensOptions): (production: Decider) => Decider {
  return (production) => (request) => {
    const d = production(request);
    o.observe?.(request, d);
    if (d.decision !== 'deny') return d;
    const why = relaxedBy(o, request);
    return why ? { decision: 'allow', reason: `${WOULD_BE_DENIED} (${d.reason}); ${why}` } : d;
  };
}

function relaxedBy(o: DebugLensOptions, r: PolicyRequest): string | null {
  switch (r.kind) {
    case 'net':
      if (o.net !== 'deny') return `allowed by corral dev --net ${o.net}`;
      if (o.learn && o.synthetic(r.host, r.port))
        return 'allowed by corral dev --learn: a synthetic endpoint answers';
      return null;
    case 'fs': {
      const path = normalizeAbsolutePath(r.path);
      return o.learn && path !== null && o.learnRoots.some((root) => isWithin(path, root))
        ? 'allowed by corral dev --learn in a mock folder'
        : null;
    }
    case 'ipc':
      return o.learn ? 'allowed by corral dev --learn' : null;
    default:
      return null;
  }
}
