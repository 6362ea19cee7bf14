"""TODO Scan: the TODO and FIXME lines of the workspace's text and source files.

Reads only through the host (fs/list, fs/read) under a read grant on ${workspace}. Corral puts
the Python SDK on PYTHONPATH, so `import corral_sdk` needs no copy of it here.
"""

import re

import corral_sdk

# Files scanned: text and the usual source files. Others (images, archives) are skipped unread.
SCANNED = re.compile(r"\.(md|txt|rst|py|js|mjs|cjs|ts|tsx|c|h|go|rs|java|sh|toml|ya?ml)$", re.I)
MARKER = re.compile(r"\b(TODO|FIXME)\b[:\s]*(.*)")
# Bounds for one scan, so a huge workspace gives an answer instead of running into the time limit.
MAX_FILES = 5000
MAX_FILE_BYTES = 1024 * 1024
SKIPPED_DIRS = {".git", "node_modules", "__pycache__", ".venv"}

corral = corral_sdk.connect()
state = {"workspace": None}


@corral.on_initialize
def remember_workspace(params):
    state["workspace"] = params["workspace"]


@corral.on_command("todo.scan")
def scan(folder=None):
    root = folder if folder is not None else state["workspace"]
    if not isinstance(root, str) or not root.startswith("/"):
        raise corral_sdk.CorralError(
            corral_sdk.INVALID_PARAMS, "open a workspace, or give the absolute path of a folder"
        )
    found = []
    skipped = []
    for path in files_under(root):
        if corral.fs.stat(path)["size"] > MAX_FILE_BYTES:
            skipped.append(path)
            continue
        try:
            text = corral.fs.read(path)
        except corral_sdk.CorralError as err:
            if err.code != corral_sdk.INVALID_PARAMS:  # -32602: not UTF-8 text, skipped
                raise
            skipped.append(path)
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                kind, rest = match.groups()
                found.append({"path": path, "line": number, "kind": kind, "text": rest.strip()})
    return {"items": found, "skipped": skipped}


def files_under(root):
    """The scanned files under root, in name order; symbolic links are not followed."""
    out = []
    pending = [root]
    while pending:
        folder = pending.pop(0)
        for entry in corral.fs.list(folder):
            path = folder.rstrip("/") + "/" + entry["name"]
            if entry["type"] == "dir" and entry["name"] not in SKIPPED_DIRS:
                pending.append(path)
            elif entry["type"] == "file" and SCANNED.search(entry["name"]):
                out.append(path)
                if len(out) > MAX_FILES:
                    raise corral_sdk.LimitExceeded(
                        "more than %d files under %s; scan a smaller folder" % (MAX_FILES, root)
                    )
    return sorted(out)


corral.run()
