// The command palette: the commands enabled extensions contribute, read when the palette opens,
// and running one.
import type { CommandView, ContractResult, MethodOutput } from '../../../app/contract/index.ts';
import { type ActionError, type SliceFactory } from './slice.ts';

export interface CommandsSlice {
  commands: CommandView[];
  commandsError: string | null;
  paletteOpen: boolean;
  loadCommands(): Promise<ActionError>;
  openPalette(): void;
  closePalette(): void;
  runCommand(
    command: CommandView,
    args: unknown[],
  ): Promise<ContractResult<MethodOutput<'commands.run'>>>;
}

export const createCommandsSlice: SliceFactory<CommandsSlice> = ({ set, get, client }) => ({
  commands: [],
  commandsError: null,
  paletteOpen: false,

  async loadCommands() {
    const result = await client.commands.list({});
    if (!result.ok) {
      set({ commandsError: result.error.message });
      return result.error.message;
    }
    set({ commands: result.value, commandsError: null });
    return null;
  },

  openPalette() {
    // A permission question stays on top: nothing opens over it.
    if (get().paletteOpen || get().prompts.length > 0) return;
    set({ paletteOpen: true });
    void get().loadCommands();
  },

  closePalette: () => set({ paletteOpen: false }),

  runCommand: (command, args) =>
    client.commands.run({ extensionId: command.extensionId, command: command.command, args }),
});
