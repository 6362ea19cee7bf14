// What a package's signature proves, in a sentence.
import type { StagedInstall } from '../../../../app/contract/index.ts';
import { ExtensionText } from '../common/ExtensionText.tsx';

export function SignatureNote({ signature }: { signature: StagedInstall['signature'] }) {
  switch (signature.status) {
    case 'signed':
      return (
        <p className="signature-note">
          Signed by <ExtensionText text={signature.publisher} /> with key{' '}
          <span className="mono">{signature.keyId}</span>, which you trust: it comes from them,
          unchanged.
        </p>
      );
    case 'untrusted':
      return (
        <p className="signature-note notice notice-warning">
          Signed with key <span className="mono">{signature.keyId}</span>, which is not among your
          trusted keys: the signature proves nothing about who made it.
        </p>
      );
    case 'unsigned':
      return (
        <p className="signature-note notice notice-warning">
          Not signed: nothing proves who made it or that nobody changed it.
        </p>
      );
  }
}
