// Manifest version 0 → 1. Version 0 (the pre-release format) kept `fs`, `net`, `ipc` and `spawn`
// at the top level, spelled fs access "ro"/"rw" and net grants as "host:port" strings. It is read
// as version 1 with a notice, so old extensions keep working while their authors update them.
import { closest, show, type PolicyError } from './errors.ts';

const V0_KEYS = [
  'manifestVersion',
  'id',
  'name',
  'version',
  'publisher',
  'description',
  'runtime',
  'main',
  'fs',
  'net',
  'ipc',
  'spawn',
  'limits',
  'contributes',
];

/** True for a document that declares manifestVersion 0. */
export function isV0Document(doc: Record<string, unknown>): boolean {
  return doc.manifestVersion === 0;
}

export type V0Migration =
  | {
      ok: true;
      value: Record<string, unknown>;
      notice: PolicyError;
      mapPointer: (pointer: string) => string;
    }
  | { ok: false; errors: PolicyError[] };

/** Rewrites a version-0 manifest as version 1; the v1 schema then validates the result. */
export function migrateV0(doc: Record<string, unknown>): V0Migration {
  const errors: PolicyError[] = [];
  for (const key of Object.keys(doc)) {
    if (!V0_KEYS.includes(key)) {
      const guess = closest(key, V0_KEYS);
      errors.push({
        pointer: `/${key}`,
        message: `unknown key ${show(key)} in a version 0 manifest`,
        fix: guess ? `did you mean ${show(guess)}?` : 'remove it',
      });
    }
  }
  const permissions: Record<string, unknown> = {};
  if (doc.fs !== undefined) permissions.fs = mapArray(doc.fs, '/fs', errors, migrateFs);
  if (doc.net !== undefined) permissions.net = mapArray(doc.net, '/net', errors, migrateNet);
  if (doc.ipc !== undefined) permissions.ipc = doc.ipc;
  if (doc.spawn !== undefined) permissions.process = { spawn: doc.spawn };
  if (errors.length > 0) return { ok: false, errors };
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'fs' || k === 'net' || k === 'ipc' || k === 'spawn') continue;
    value[k] = k === 'manifestVersion' ? 1 : v;
  }
  if (Object.keys(permissions).length > 0) value.permissions = permissions;
  return {
    ok: true,
    value,
    notice: {
      pointer: '/manifestVersion',
      message: 'manifestVersion 0 is out of date and was read as version 1',
      fix: 'move fs, net, ipc and spawn under "permissions" (docs/policy.md, "Migrating from version 0") and set "manifestVersion": 1',
    },
    mapPointer: (pointer) =>
      pointer
        .replace(/^\/permissions\/process\/spawn/, '/spawn')
        .replace(/^\/permissions\/net\/(\d+)(?:\/.*)?$/, '/net/$1')
        .replace(/^\/permissions\/(fs|ipc)\//, '/$1/'),
  };
}

function mapArray(
  value: unknown,
  pointer: string,
  errors: PolicyError[],
  migrate: (item: unknown, pointer: string, errors: PolicyError[]) => unknown,
): unknown {
  if (!Array.isArray(value)) return value; // the v1 schema reports the wrong type
  return value.map((item, i) => migrate(item, `${pointer}/${i}`, errors));
}

function migrateFs(item: unknown, pointer: string, errors: PolicyError[]): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const grant = { ...(item as Record<string, unknown>) };
  if (grant.access === 'ro') grant.access = 'read';
  else if (grant.access === 'rw') grant.access = 'write';
  else if (grant.access !== 'read' && grant.access !== 'write')
    errors.push({
      pointer: `${pointer}/access`,
      message: `expected "ro" or "rw", got ${show(grant.access)}`,
      fix: 'use "ro" or "rw" (or move to version 1 and use "read" or "write")',
    });
  return grant;
}

function migrateNet(item: unknown, pointer: string, errors: PolicyError[]): unknown {
  if (typeof item !== 'string') {
    errors.push({
      pointer,
      message: `expected a "host" or "host:port" string, got ${show(item)}`,
      fix: 'write e.g. "api.example.com:443"',
    });
    return item;
  }
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(item);
  if (!m) return { host: item };
  return { host: m[1], ports: [Number(m[2])] };
}
