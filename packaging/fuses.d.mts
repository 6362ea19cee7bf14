// Types of packaging/fuses.mjs, for the tests that read the decisions.
import type { FuseV1Config, FuseV1Options } from '@electron/fuses';

export declare const FUSE_DECISIONS: { fuse: FuseV1Options; on: boolean; why: string }[];
export declare function fuseConfig(): FuseV1Config & { strictlyRequireAllFuses: true };
