import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The app's data folder and the offline cache hold every customer's users and invoices: on macOS
 * and Linux they are the owner's alone (folders 0700, files 0600) whatever the umask, and what an
 * older version left 0755/0644 is tightened when it is opened again. On Windows POSIX modes do not
 * apply; the data folder lives in the per-user profile (%APPDATA%), whose ACL is the protection.
 */
const POSIX = process.platform !== 'win32';
export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder (and any missing parents) and makes it the owner's only. */
export function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  // mkdir's mode is filtered by the umask and leaves an existing folder as it was.
  if (POSIX) chmodSync(folder, PRIVATE_FOLDER_MODE);
}

/** Makes an existing file the owner's only; a missing one is not an error. */
export function tightenPrivateFile(file: string): void {
  if (!POSIX) return;
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Before SQLite opens a cache file: creates it empty with 0600 (SQLite would create it 0644 less
 * the umask) and tightens it with its -wal, -shm and -journal. SQLite creates -wal and -shm with
 * the main file's mode (os_unix.c fchmods them to it), so they are 0600 from their first byte.
 */
export function preparePrivateDatabaseFile(file: string): void {
  if (file === '' || file === ':memory:' || file.startsWith('file:')) return;
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const path of databaseFiles(file)) tightenPrivateFile(path);
}

/** The main database file and the files SQLite keeps beside it. */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}
