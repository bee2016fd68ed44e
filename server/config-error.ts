// The one error a user fixes by changing an option or the file or folder it names: the CLI prints
// its message (which names the option, and the path when there is one) and exits with status 2.
// Its own module, so that tls.ts and data-folder.ts can throw it without importing config.ts.

export class ConfigError extends Error {}
