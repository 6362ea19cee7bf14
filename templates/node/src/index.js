// {{title}}: the program Corral starts (manifest "main"). It connects to the host on the socket
// Corral passes it, registers the commands, and then answers the host until it says shutdown.
import { connect } from '@corral/sdk';
import { registerCommands } from './commands.js';

registerCommands(connect());
