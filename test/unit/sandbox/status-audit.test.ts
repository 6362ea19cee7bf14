// Helper status → audit events (contracts section 5) and the sentence a person reads on a limit hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditEventSchema } from '../../../app/audit-event/event.ts';
import { limitMessage, statusToAudit } from '../../../app/sandbox/status-audit.ts';
import { parseStatusLine } from '../../../app/sandbox/status.ts';
import { resolveLimits } from '../../../app/policy/limits.ts';

const ctx = { ext: 'acme.tool', target: '/usr/bin/python3 x.py' };

test('every event-bearing status line becomes a valid audit event', () => {
  for (const line of [
    'layers user,seccomp',
    'deny syscall ptrace',
    'lost 3',
    'limit timeout 50',
    'error bad',
    'mystery',
  ]) {
    const input = statusToAudit(parseStatusLine(line), ctx);
    assert.ok(input, line);
    assert.ok(
      auditEventSchema.safeParse({ seq: 0, ts: new Date().toISOString(), ...input }).success,
      line,
    );
  }
  assert.equal(statusToAudit(parseStatusLine('exit code 0'), ctx), null);
});

test('the start event names the sandbox mode', () => {
  const start = statusToAudit(parseStatusLine('layers mode=reduced,landlock=4,seccomp'), ctx);
  assert.equal(start?.reason, 'sandbox ready in reduced mode: mode=reduced,landlock=4,seccomp');
  assert.equal(start?.op, 'start');
});

test('kernel denials are denials of the kernel layer, filed under what was tried', () => {
  assert.deepEqual(statusToAudit(parseStatusLine('deny syscall socket'), ctx), {
    ...ctx,
    layer: 'kernel',
    kind: 'net',
    op: 'socket',
    decision: 'deny',
    reason: 'seccomp: the sandbox refused this socket call',
  });
  assert.equal(statusToAudit(parseStatusLine('deny syscall mount'), ctx)?.kind, 'fs');
  assert.equal(statusToAudit(parseStatusLine('deny syscall ptrace'), ctx)?.kind, 'process');
  // A second program names the manifest field that would allow it.
  assert.match(
    statusToAudit(parseStatusLine('deny syscall execve'), ctx)?.reason ?? '',
    /process\.spawn is not granted/,
  );
});

test('a limit hit names the limit and the manifest field that raises it', () => {
  const limits = resolveLimits({ timeoutMs: 1500 });
  assert.match(
    limitMessage(parseStatusLine('limit timeout 1500'), limits)!,
    /1500 ms.*limits\.timeoutMs/,
  );
  assert.match(limitMessage(parseStatusLine('limit fsize'), limits)!, /limits\.fileSizeMB/);
  assert.match(limitMessage(parseStatusLine('limit cpu'), limits)!, /budget.*limits\.cpuPercent/);
  assert.match(
    limitMessage(parseStatusLine('limit cpu throttled'), limits)!,
    /held to its CPU rate \(100% of one core\).*limits\.cpuPercent/,
  );
  assert.match(limitMessage(parseStatusLine('limit memory'), limits)!, /512 MB.*limits\.memoryMB/);
  assert.match(limitMessage(parseStatusLine('limit pids'), limits)!, /\(64\).*limits\.pids/);
  assert.equal(limitMessage(parseStatusLine('exit code 1'), limits), null);
});
