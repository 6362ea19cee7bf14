// The extension protocol (contracts §4), pure: schemas, the method table, error codes and framing.
export * from './error-codes.ts';
export * from './envelope.ts';
export * from './methods.ts';
export * from './frame-decoder.ts';
export * from './frame-encoder.ts';
export * from './path-variables.ts';
export * from './command-error.ts';
