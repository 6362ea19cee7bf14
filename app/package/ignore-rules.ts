// .corralignore: which files of an extension folder `corral pack` and `corral sign` leave out, in
// gitignore's syntax (gitignore(5)): one pattern per line, `#` comments, `!` to include again,
// a trailing `/` for folders only, a `/` at the start or in the middle to anchor the pattern at the
// folder's root, `*`, `?`, `[a-z]` within one name and `**` across folders. As in git, the last
// matching line wins, and nothing inside a left-out folder can be included again. Pure.

/** One parsed line of a .corralignore. */
interface IgnoreRule {
  /** The line as written, for messages. */
  source: string;
  negate: boolean;
  folderOnly: boolean;
  regex: RegExp;
}

export interface IgnoreRules {
  /** Whether `path` (relative, "/"-separated, no leading "./") is left out. */
  ignores(path: string, isFolder: boolean): boolean;
}

/** What every package leaves out whatever .corralignore says: version control and the old signature. */
export const ALWAYS_IGNORED = ['.git/', '.hg/', '.svn/', '/corral.sig', '/.corralignore'];

/** The rules of a .corralignore's text, then the built-in ones (last, so nothing undoes them). */
export function parseIgnoreRules(text: string): IgnoreRules {
  const rules = [...text.split(/\r?\n/), ...ALWAYS_IGNORED]
    .map(parseLine)
    .filter((r): r is IgnoreRule => r !== null);
  return {
    ignores(path, isFolder) {
      let ignored = false;
      for (const rule of rules) {
        if (rule.negate !== ignored) continue; // only a rule that would change the answer matters
        if (rule.folderOnly && !isFolder) continue;
        if (rule.regex.test(path)) ignored = !rule.negate;
      }
      return ignored;
    },
  };
}

function parseLine(raw: string): IgnoreRule | null {
  // Trailing spaces are dropped unless escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return null;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let folderOnly = false;
  if (line.endsWith('/')) {
    folderOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return null;
  // A slash anywhere but at the end anchors the pattern at the root; otherwise it matches a name
  // at any depth.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = translate(line);
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`);
  return { source: raw, negate, folderOnly, regex };
}

/** A gitignore glob as the body of a regular expression over a "/"-separated path. */
function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const before = i === 0 || glob[i - 1] === '/';
        const after = i + 2 === glob.length || glob[i + 2] === '/';
        if (before && after) {
          if (i + 2 === glob.length) {
            out += '.*'; // "dir/**": everything inside
          } else {
            out += '(?:.*/)?'; // "**/x" and "a/**/b": zero or more folders
            i += 1; // the "/" after the stars
          }
          i += 1;
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, end);
      if (set.startsWith('!')) set = '^' + set.slice(1);
      out += `[${set.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i]!);
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
