// Installing and updating with consent: a package is staged (checked, nothing installed), the user
// reads what it may touch, and only their click on Install (or Approve, for an update that asks
// for more) goes through. Cancel discards the staged package on the host.
import type {
  ExtensionSummary,
  MethodInput,
  PendingUpdate,
  StagedInstall,
} from '../../../app/contract/index.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

export type PackageSource = MethodInput<'extensions.stage'>['source'];

export interface InstallSlice {
  /** A package waiting for Install or Cancel. */
  staged: StagedInstall | null;
  /** An update waiting for Approve or Reject. */
  pendingUpdate: PendingUpdate | null;
  stagePackage(source: PackageSource): Promise<ActionError>;
  /** The desktop's own file dialog; a cancelled dialog is not an error. */
  choosePackage(): Promise<ActionError>;
  confirmInstall(): Promise<ActionError>;
  cancelInstall(): Promise<ActionError>;
  reviewUpdate(id: string): Promise<ActionError>;
  decideUpdate(approve: boolean): Promise<ActionError>;
  closeUpdateReview(): void;
}

export const createInstallSlice: SliceFactory<InstallSlice> = ({ set, get, client }) => {
  const installed = (summary: ExtensionSummary) =>
    get().applyExtensionState({ extension: summary });

  return {
    staged: null,
    pendingUpdate: null,

    async stagePackage(source) {
      const result = await client.extensions.stage({ source });
      if (result.ok) set({ staged: result.value });
      return errorOf(result);
    },

    async choosePackage() {
      const result = await client.extensions.choosePackage({});
      if (result.ok && result.value) set({ staged: result.value });
      return errorOf(result);
    },

    async confirmInstall() {
      const staged = get().staged;
      if (!staged) return null;
      const result = await client.extensions.install({ token: staged.token, consent: true });
      if (!result.ok) return errorOf(result);
      set({ staged: null });
      installed(result.value);
      return null;
    },

    async cancelInstall() {
      const staged = get().staged;
      if (!staged) return null;
      const result = await client.extensions.cancelInstall({ token: staged.token });
      // The sheet closes either way: a package the host already forgot needs no cancelling.
      set({ staged: null });
      return result.ok || result.error.code === 'not-found' ? null : errorOf(result);
    },

    async reviewUpdate(id) {
      const result = await client.extensions.pendingUpdate({ id });
      if (result.ok) set({ pendingUpdate: result.value });
      return errorOf(result);
    },

    async decideUpdate(approve) {
      const update = get().pendingUpdate;
      if (!update) return null;
      const result = await client.extensions.approveUpdate({
        id: update.id,
        version: update.toVersion,
        approve,
      });
      if (!result.ok) return errorOf(result);
      set({ pendingUpdate: null });
      installed(result.value);
      return null;
    },

    closeUpdateReview: () => set({ pendingUpdate: null }),
  };
};
