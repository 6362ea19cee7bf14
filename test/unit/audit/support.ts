// Shared by the audit store tests: a fresh store in a temporary folder, and event makers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';
import {
  openAuditStore,
  type AuditStore,
  type AuditStoreOptions,
} from '../../../app/audit/store.ts';

/** A temporary folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'corral-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store at DIR/audit.db; errors are collected instead of printed. */
export function freshStore(options: AuditStoreOptions = {}): {
  store: AuditStore;
  path: string;
  dir: string;
  errors: string[];
  cleanup: () => void;
} {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'audit.db');
  const errors: string[] = [];
  const store = openAuditStore(path, { onError: (m) => errors.push(m), ...options });
  return {
    store,
    path,
    dir,
    errors,
    cleanup: () => {
      try {
        store.close();
      } catch {
        // already closed by the test
      }
      cleanup();
    },
  };
}

/** An event as a broker would record it; `over` replaces any field. */
export function ev(over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    ext: 'acme.word-count',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/home/u/notes/a.md',
    decision: 'allow',
    reason: 'grant fs[0]',
    durationUs: 180,
    ...over,
  };
}

/** A clock the test moves by hand. */
export function manualClock(startIso = '2026-11-25T21:00:00.000Z'): {
  now: () => Date;
  advance: (ms: number) => void;
  set: (iso: string) => void;
} {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    advance: (ms) => void (t += ms),
    set: (iso) => void (t = Date.parse(iso)),
  };
}
