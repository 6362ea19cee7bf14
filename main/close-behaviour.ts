// What closing the window does: the extensions keep running in the background (window hidden,
// tray icon stays) only when the user chose so in Settings; otherwise Corral stops them and quits.
import { settingsSchema, type ContractResult } from '../app/contract/index.ts';

export type CloseAction = 'hide' | 'quit';

/**
 * Hide only on an explicit "keep running" read from the host (settings.get); a failed or
 * malformed answer quits, because extensions running unseen must be the user's choice.
 */
export function closeAction(settings: ContractResult<unknown>): CloseAction {
  if (!settings.ok) return 'quit';
  const parsed = settingsSchema.safeParse(settings.value);
  return parsed.success && parsed.data.keepRunningInBackground ? 'hide' : 'quit';
}
