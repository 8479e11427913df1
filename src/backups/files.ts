import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { BackupKind } from './format.ts';

/**
 * The backup folder: `haven-<UTC time>.<kind>.age`, written to a `.partial` name, synced, then renamed — a crash
 * (kill -9) never leaves a half file under a backup's name, and the next run removes the leftover and makes a
 * whole new set. A set is the main database's file, then the key vault's, taken one after the other.
 */

export interface BackupFile {
  name: string;
  path: string;
  kind: BackupKind;
  createdAt: Date;
  bytes: number;
}

const NAME = /^haven-(\d{8}T\d{6}\d{3}Z)\.(main|vault)\.age$/;

export function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(text)!;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
}

export function backupName(kind: BackupKind, createdAt: Date): string {
  return `haven-${stamp(createdAt)}.${kind}.age`;
}

/** The backups in a folder, newest first; leftovers of interrupted runs and other files are not listed. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    files.push({
      name,
      path: file,
      kind: match[2] as BackupKind,
      createdAt: parseStamp(match[1]!),
      bytes: statSync(file).size,
    });
  }
  return files.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.name.localeCompare(b.name));
}

/** Writes the file whole or not at all (temp name, fsync, rename). */
export function writeAtomically(file: string, data: Uint8Array): void {
  const partial = `${path.join(path.dirname(file), `.${path.basename(file)}`)}.partial-${process.pid}`;
  const fd = openSync(partial, 'wx', 0o600);
  try {
    let offset = 0;
    while (offset < data.byteLength) offset += writeSync(fd, data, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
  try {
    const dirFd = openSync(path.dirname(file), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some file systems cannot sync a folder; the rename is still atomic.
  }
}

/** Removes `.partial` leftovers of runs that were killed (their process is gone). Returns how many. */
export function removeLeftovers(dir: string): number {
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = /\.partial-(\d+)$/.exec(name);
    if (!match || !name.startsWith('.haven-')) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && alive(pid)) continue;
    unlinkSync(path.join(dir, name));
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Backup retention (RES-1, ENC-4): main backups older than `keepDays` go, the newest always stays; key-vault
 * backups older than `vaultKeepDays` go without exception — an old vault backup is where an erased person's key
 * would survive, so its age bounds how long an erasure can be undone by a restore.
 */
export function pruneBackups(
  dir: string,
  policy: { keepDays: number; vaultKeepDays: number },
  now: Date,
): BackupFile[] {
  const removed: BackupFile[] = [];
  const all = listBackups(dir);
  const newestMain = all.find((f) => f.kind === 'main');
  for (const file of all) {
    const days = file.kind === 'vault' ? policy.vaultKeepDays : policy.keepDays;
    const expired = now.getTime() - file.createdAt.getTime() > days * 86_400_000;
    if (!expired || file === newestMain) continue;
    unlinkSync(file.path);
    removed.push(file);
  }
  return removed;
}
