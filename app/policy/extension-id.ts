// The extension id's pattern on its own, so that a reader of ids (the UI contract, and through it
// the window's first script) does not load and build the manifest's schemas to get it.

/** An extension id, `publisher.name` (contracts §1): the one pattern every reader of ids uses. */
export const EXTENSION_ID_PATTERN = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;
