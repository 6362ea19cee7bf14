// `corral serve` with a settings file it cannot use: one line naming the file, what is wrong and
// the fix, exit 1, and no address printed (nothing is served); the control starts and prints one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveCommand } from '../../../app/cli/serve.ts';
import { fakeIO, ioOf } from './fake-io.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-serve-refusals-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A user of their own whose settings.json holds `text` (none when null). */
function user(name: string, text: string | null) {
  const env = {
    HOME: join(root, name),
    XDG_DATA_HOME: join(root, name, 'data'),
    XDG_STATE_HOME: join(root, name, 'state'),
  };
  mkdirSync(join(env.XDG_DATA_HOME, 'corral'), { recursive: true });
  const file = join(env.XDG_DATA_HOME, 'corral', 'settings.json');
  if (text !== null) writeFileSync(file, text);
  return { env, file };
}

for (const [name, text, reason] of [
  ['not JSON', '{"promptTimeoutSeconds": 30,', /is not JSON \([^)]*\)/],
  ['an unknown key', '{"theme": "dark"}', /does not hold Corral's settings \(.*"theme"/],
  ['a value out of range', '{"promptTimeoutSeconds": "soon"}', /\(promptTimeoutSeconds: /],
] as const) {
  test(`a settings file with ${name}: one line with the fix, exit 1, no address`, async () => {
    const { env, file } = user(name.replaceAll(' ', '-'), text);
    const fake = fakeIO(root, env);
    assert.equal(await serveCommand(['--no-open'], ...ioOf(fake)), 1);
    const lines = fake.stderr().trimEnd().split('\n');
    assert.equal(lines.length, 1, fake.stderr());
    assert.ok(lines[0]!.startsWith(`corral serve: ${file} `), lines[0]);
    assert.match(lines[0]!, reason);
    assert.match(lines[0]!, /; fix: correct it, or delete it to start from the defaults$/);
    assert.doesNotMatch(fake.stderr(), /internal error/);
    assert.equal(fake.stdout(), '');
  });
}

test('the control: without a settings file it serves, prints its address, and stops on Ctrl-C', async () => {
  const { env } = user('no-file', null);
  const fake = fakeIO(root, env);
  const exit = serveCommand(['--no-open'], ...ioOf(fake));
  for (let t = 0; !/token=/.test(fake.stdout()); t++) {
    assert.ok(t < 600, `no address after 30 s: ${fake.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fake.signal('SIGINT');
  assert.equal(await exit, 0, fake.stderr());
});
