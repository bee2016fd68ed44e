// The data folder (database, generated certificate, token-signing key): the checks made before
// anything is written there, and the undo of a start that fails, so that a failed start leaves no
// half-made folder or freshly seeded database behind. Where it is by default: config.ts.

import { accessSync, constants, existsSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/** Everything the emulator writes in a data folder, relative to it. */
export const DATA_ENTRIES = ['emulator.sqlite', 'emulator.sqlite-wal', 'emulator.sqlite-shm', 'emulator.sqlite-journal', 'tls', 'identity'];

/** Files that must stay readable and writable when they are there already. */
const KEPT_FILES = ['emulator.sqlite', join('tls', 'cert.pem'), join('tls', 'key.pem'), join('identity', 'signing-key.pem')];

/** undefined where nothing is, including under a file (ENOTDIR, which Node 22 throws even with throwIfNoEntry: false). */
function statIfThere(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Refuses, before anything is written, a data folder the emulator could not use: a file in its
 * place, a folder (or the folder it would be made in) this user cannot write, kept files it cannot
 * read and write. Each refusal names the option and the path.
 */
export function checkDataDir(dir: string): void {
  const path = resolve(dir);
  const stat = statIfThere(path);
  if (stat === undefined) {
    let ancestor = dirname(path);
    while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    if (!statSync(ancestor).isDirectory()) throw new ConfigError(`--data-dir ${path}: cannot be made, ${ancestor} is a file`);
    if (!writable(ancestor)) throw new ConfigError(`--data-dir ${path}: cannot be made, ${ancestor} is not writable by this user`);
    return;
  }
  if (!stat.isDirectory()) throw new ConfigError(`--data-dir ${path}: is a file, not a folder`);
  if (!writable(path)) throw new ConfigError(`--data-dir ${path}: the folder is read-only for this user`);
  for (const name of KEPT_FILES) {
    const file = join(path, name);
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch {
      throw new ConfigError(`--data-dir ${path}: ${file} cannot be read and written by this user`);
    }
  }
}

/**
 * Notes what the data folder holds now; undo() removes what a start made since: the whole folder
 * (and the parents made for it) when it was new, else only the entries that were not there.
 */
export function noteDataDir(dir: string): { undo(): void } {
  const path = resolve(dir);
  let created: string | undefined;
  if (!existsSync(path)) {
    created = path;
    while (!existsSync(dirname(created)) && dirname(created) !== created) created = dirname(created);
  }
  const present = new Set(created === undefined ? DATA_ENTRIES.filter((name) => existsSync(join(path, name))) : []);
  return {
    undo() {
      if (created !== undefined) {
        rmSync(created, { recursive: true, force: true });
        return;
      }
      for (const name of DATA_ENTRIES) if (!present.has(name)) rmSync(join(path, name), { recursive: true, force: true });
    },
  };
}
