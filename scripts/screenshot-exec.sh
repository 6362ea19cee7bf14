#!/usr/bin/env bash
# Regenerates docs/images/exec.png: a short `corral exec` session in a throw-away home, rendered
# as a terminal picture (needs ImageMagick and the DejaVu fonts: apt-get install imagemagick fonts-dejavu-core).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
demo=$(mktemp -d /tmp/corral-demo-XXXX)
trap 'rm -rf "$demo"' EXIT
export HOME=$demo/home
mkdir -p "$HOME/.ssh" "$HOME/notes"
echo "-----BEGIN OPENSSH PRIVATE KEY----- (demo)" >"$HOME/.ssh/id_ed25519"
printf 'buy milk\ncall the plumber\nship corral\n' >"$HOME/notes/todo.md"
cp "$repo/examples/policies/read-workspace.json" "$demo/policy.json"
cd "$demo"
out=$demo/session.txt
export PATH="$repo/bin:$PATH"
run() {
  printf '$ %s\n' "$1" | sed "s#$HOME#~#g" >>"$out"
  { bash -c "$1" 2>&1 || echo "(exit status $?)"; } | sed "s#$HOME#~#g" >>"$out"
  echo >>"$out"
}
ws=$HOME/notes
run "corral exec --policy policy.json --workspace $ws -- wc -l $ws/todo.md"
run "corral exec --policy policy.json --workspace $ws -- cat $HOME/.ssh/id_ed25519"
run "corral exec --policy policy.json --workspace $ws -- sh -c 'echo hacked >> $ws/todo.md'"
run "corral exec --audit audit.jsonl -- python3 -c 'import ctypes; print(ctypes.CDLL(None).ptrace(0, 0, 0, 0))'"
run "grep '\"layer\":\"kernel\"' audit.jsonl | node -p 'const e = JSON.parse(require(\"fs\").readFileSync(0)); [e.layer, e.kind, e.op, e.decision, e.reason].join(\"  \")'"
convert -background '#1e1e2e' -fill '#cdd6f4' -font DejaVu-Sans-Mono -pointsize 15 -border 18 -bordercolor '#1e1e2e' \
  label:"$(cat "$out")" "$repo/docs/images/exec.png"
echo "wrote docs/images/exec.png"
