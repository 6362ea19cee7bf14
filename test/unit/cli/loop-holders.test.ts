// The CORRAL_DEBUG line that names what kept a process alive after its command ended.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { loopHolders } from '../../../app/cli/loop-holders.ts';

describe('loopHolders', () => {
  it('names a child process and a listening server, and leaves out what is unref’d', async () => {
    const before = loopHolders();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const quiet = spawn('sleep', ['31'], { stdio: 'ignore' });
    quiet.unref();
    try {
      const now = loopHolders();
      assert.ok(now.includes(`child ${child.pid}: sleep 30`), now.join('; '));
      assert.ok(
        now.some((h) => h.startsWith('server ') && h.includes('127.0.0.1')),
        now.join('; '),
      );
      assert.ok(!now.some((h) => h.includes('sleep 31')), 'an unref’d child holds nothing');
      assert.equal(now.length, before.length + 2);
    } finally {
      child.kill();
      quiet.kill();
      server.close();
    }
  });
});
