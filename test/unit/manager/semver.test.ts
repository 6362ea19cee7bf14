// Version order for updates: semver 2.0.0 precedence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions } from '../../../app/package/semver.ts';

test('orders versions as semver says', () => {
  const ascending = [
    '0.9.9',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '1.10.0',
    '2.0.0',
    '12345678901234567890.0.0',
  ];
  for (let i = 0; i < ascending.length; i++)
    for (let j = 0; j < ascending.length; j++)
      assert.equal(
        Math.sign(compareVersions(ascending[i]!, ascending[j]!)),
        Math.sign(i - j),
        `${ascending[i]} ? ${ascending[j]}`,
      );
  assert.equal(compareVersions('1.0.0+build.1', '1.0.0+build.2'), 0);
});
