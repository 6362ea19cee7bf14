"""The commands without Corral: a stand-in for the SDK that serves a few files from memory.
Run with "python3 -m unittest" in this folder."""

import unittest
from types import SimpleNamespace

from commands import count_words, register_commands


class StandIn:
    """Just enough of the SDK for the commands: paths, fs.list, fs.read and on_command."""

    def __init__(self, files):
        self.commands = {}
        self.paths = SimpleNamespace(resolve=lambda path: path.replace("${workspace}", "/ws"))
        self.fs = SimpleNamespace(
            list=lambda path: [{"name": name, "type": "file"} for name in files],
            read=lambda path: files[path[len("/ws/"):]],
        )

    def on_command(self, command_id):
        def register(handler):
            self.commands[command_id] = handler
            return handler
        return register


class CommandsTest(unittest.TestCase):
    def test_count_words_counts_runs_of_non_space_characters(self):
        self.assertEqual(count_words("  one two\nthree\t"), 3)
        self.assertEqual(count_words(""), 0)

    def test_count_counts_the_text_files_of_the_workspace_or_the_one_given(self):
        corral = StandIn({"a.md": "alpha beta", "b.txt": "gamma", "c.png": "not text"})
        register_commands(corral)
        count = corral.commands["{{name}}.count"]
        self.assertEqual(count(), {"total": 3, "files": [{"name": "a.md", "words": 2},
                                                         {"name": "b.txt", "words": 1}]})
        self.assertEqual(count("b.txt"), {"total": 1, "files": [{"name": "b.txt", "words": 1}]})


if __name__ == "__main__":
    unittest.main()
