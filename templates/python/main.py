"""{{title}}: the program Corral starts (manifest "main"). It connects to the host on the socket
Corral passes it, registers the commands, and answers the host until it says shutdown.

corral_sdk is the one-file Python SDK; Corral puts it on PYTHONPATH, nothing to install.
"""

import corral_sdk

from commands import register_commands

corral = corral_sdk.connect()
register_commands(corral)
corral.run()
