// Orders manifest versions (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], semver 2.0.0 §11): an update
// must be newer than what is installed. Pure.

/** Negative when a < b, 0 when equal in precedence (build metadata is ignored), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let i = 0; i < 3; i++) {
    const d = compareNumeric(coreA[i] ?? '0', coreB[i] ?? '0');
    if (d !== 0) return d;
  }
  // A pre-release is older than its release: 1.0.0-rc.1 < 1.0.0.
  if (preA === null || preB === null) return preA === preB ? 0 : preA === null ? 1 : -1;
  const idsA = preA.split('.');
  const idsB = preB.split('.');
  for (let i = 0; i < Math.min(idsA.length, idsB.length); i++) {
    const x = idsA[i]!;
    const y = idsB[i]!;
    const numX = /^\d+$/.test(x);
    const numY = /^\d+$/.test(y);
    const d =
      numX && numY ? compareNumeric(x, y) : numX ? -1 : numY ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return idsA.length - idsB.length;
}

function split(v: string): [string[], string | null] {
  const noBuild = v.split('+')[0]!;
  const dash = noBuild.indexOf('-');
  const core = dash === -1 ? noBuild : noBuild.slice(0, dash);
  return [core.split('.'), dash === -1 ? null : noBuild.slice(dash + 1)];
}

/** Compares decimal digit strings of any length without losing precision. */
function compareNumeric(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
