"""The commands of {{title}}, apart from the connection so that the tests can drive them with a
stand-in for the SDK (test_commands.py)."""

import re

TEXT = re.compile(r"\.(md|txt)$", re.IGNORECASE)


def count_words(text):
    """The words of a text: runs of characters that are not white space."""
    return len(text.split())


def register_commands(corral):
    """Registers the commands on corral: corral_sdk.connect() in main.py, a stand-in in tests."""

    @corral.on_command("{{name}}.count")
    def count(file=None):
        """FILE: a file of the workspace to count; without it, every .md and .txt at its top."""
        # The folder the user opened, as the SDK resolves it: never a path written here.
        workspace = corral.paths.resolve("${workspace}")
        if file is None:
            names = [entry["name"] for entry in corral.fs.list(workspace)
                     if entry["type"] == "file" and TEXT.search(entry["name"])]
        else:
            names = [str(file)]
        files = [{"name": name, "words": count_words(corral.fs.read(workspace + "/" + name))}
                 for name in sorted(names)]
        return {"total": sum(f["words"] for f in files), "files": files}
