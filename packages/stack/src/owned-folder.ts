import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The file in an output folder that records what materialize-monitoring wrote
 * there: every file with its sha256, the tool version and the format. A later
 * render into the folder replaces those files and removes the ones it no
 * longer writes; it never touches a file the manifest does not list.
 */
export const MANIFEST_NAME = ".materialize-monitoring.json";

/** One file of a rendered folder: a `/`-separated path inside the folder and its text. */
export interface RenderedFile {
  path: string;
  text: string;
}

export type FolderFormat = "kustomize" | "helm" | "export";

export interface FolderManifest {
  generator: "materialize-monitoring";
  /** What the manifest is for, for a person who finds it. */
  about: string;
  version: string;
  format: FolderFormat;
  /** Every file written, sorted by path; the manifest itself is not listed. */
  files: { path: string; sha256: string }[];
}

/** A folder the tool must not write into as asked: a usage problem, told to the user as such. */
export class OutputFolderError extends Error {}

export interface WriteFolderOptions {
  version: string;
  format: FolderFormat;
  /**
   * Write into a non-empty folder without a manifest, overwrite files the tool
   * did not write, and overwrite or remove files edited since it wrote them.
   * Never deletes a file the manifest does not list.
   */
  force?: boolean;
}

export interface WriteFolderResult {
  /** The files written, sorted (the manifest not counted). */
  written: string[];
  /** Files an earlier render wrote that this one no longer does, now removed, sorted. */
  removed: string[];
}

const ABOUT =
  "Written by materialize-monitoring (mzmon render -o). A later render into this folder replaces the files listed here and removes those it no longer writes; it never touches other files. Do not edit.";

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** Why `path` is not a plain relative path inside a folder, or undefined when it is. */
function pathProblem(path: unknown): string | undefined {
  if (typeof path !== "string" || path.length === 0) return "an empty or non-text path";
  if (path.includes("\0") || path.includes("\\")) return `"${path}", which has a NUL or backslash`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return `"${path}", an absolute path`;
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    return `"${path}", which is not a plain path inside the folder`;
  if (path === MANIFEST_NAME) return `"${path}", the manifest itself`;
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * `dir` must be a folder or not exist yet (it is created); a regular file, or
 * a path under one, is a usage error. Returns whether the folder exists.
 */
function checkOutputPath(dir: string): boolean {
  let stats: Stats | undefined;
  try {
    stats = statSync(dir);
  } catch (error) {
    if (errorCode(error) !== "ENOENT" && errorCode(error) !== "ENOTDIR") throw error;
  }
  if (stats?.isDirectory()) return true;
  if (!stats && lstatOrUndefined(dir))
    throw new OutputFolderError(`--output ${dir} is a symbolic link to nothing: name a folder`);
  if (stats)
    throw new OutputFolderError(
      `--output ${dir} is a file, not a folder: name a folder (it is created if missing), or '-' for stdout`,
    );
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const found = (() => {
      try {
        return statSync(parent);
      } catch (error) {
        if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return undefined;
        throw error;
      }
    })();
    if (found && !found.isDirectory())
      throw new OutputFolderError(
        `--output ${dir} is under ${parent}, which is a file, not a folder: name a folder`,
      );
    if (found || dirname(parent) === parent) return false;
  }
}

/**
 * Every folder between `dir` and `path` (exclusive) must be a real folder or
 * missing: a file would have to be replaced, and a symbolic link could lead
 * outside `dir`.
 */
function checkParents(dir: string, path: string): void {
  const segments = path.split("/").slice(0, -1);
  for (let i = 1; i <= segments.length; i++) {
    const folder = segments.slice(0, i).join("/");
    const stats = lstatOrUndefined(join(dir, folder));
    if (!stats) return;
    if (stats.isSymbolicLink())
      throw new OutputFolderError(
        `${join(dir, folder)} is a symbolic link: materialize-monitoring writes and removes files only in real folders inside ${dir}`,
      );
    if (!stats.isDirectory())
      throw new OutputFolderError(
        `cannot write ${join(dir, path)}: ${join(dir, folder)} is not a folder (materialize-monitoring never deletes a file it did not write)`,
      );
  }
}

/** The sha256 of the regular file at `path`, `missing`, or `other` (a folder, link or device). */
function fileState(path: string): { hash: string } | "missing" | "folder" | "other" {
  const stats = lstatOrUndefined(path);
  if (!stats) return "missing";
  if (stats.isDirectory()) return "folder";
  if (!stats.isFile()) return "other";
  return { hash: sha256(readFileSync(path)) };
}

function invalidManifest(dir: string, reason: string): OutputFolderError {
  return new OutputFolderError(
    `${join(dir, MANIFEST_NAME)} is not a manifest materialize-monitoring can trust: it lists ${reason}. Nothing was changed. Delete that file to render into ${dir} anyway (add --force if the folder is not empty); the files it lists are then left in place.`,
  );
}

/** The folder's manifest, checked: every path a plain path inside the folder, or an error. */
export function readManifest(dir: string): FolderManifest | undefined {
  const path = join(dir, MANIFEST_NAME);
  const stats = lstatOrUndefined(path);
  if (!stats) return undefined;
  if (!stats.isFile()) throw invalidManifest(dir, "nothing: it is not a regular file");
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw invalidManifest(dir, "nothing readable: it is not JSON");
  }
  const manifest = parsed as Partial<FolderManifest> | null;
  if (
    !manifest ||
    typeof manifest !== "object" ||
    manifest.generator !== "materialize-monitoring" ||
    !Array.isArray(manifest.files)
  )
    throw invalidManifest(dir, 'no "files" of generator materialize-monitoring');
  const seen = new Set<string>();
  for (const entry of manifest.files as unknown[]) {
    const { path: file, sha256: hash } = (entry ?? {}) as { path?: unknown; sha256?: unknown };
    const problem = pathProblem(file);
    if (problem) throw invalidManifest(dir, problem);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash))
      throw invalidManifest(dir, `"${file}" without a sha256`);
    if (seen.has(file as string)) throw invalidManifest(dir, `"${file}" twice`);
    seen.add(file as string);
  }
  return manifest as FolderManifest;
}

/** The manifest's text for these files: deterministic (sorted, no timestamps). */
export function manifestText(files: readonly RenderedFile[], options: WriteFolderOptions): string {
  const manifest: FolderManifest = {
    generator: "materialize-monitoring",
    about: ABOUT,
    version: options.version,
    format: options.format,
    files: [...files]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => ({ path: f.path, sha256: sha256(f.text) })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Writes to a temporary file beside `path` and renames it over `path`: readers see the old or the new file, never half of one. */
function writeAtomically(path: string, text: string, sync = false): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, "w");
    try {
      writeSync(fd, text);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {}
    throw error;
  }
}

function listing(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).join(", ");
  return paths.length > 10 ? `${shown} and ${paths.length - 10} more` : shown;
}

/**
 * Writes `files` into `dir`, which materialize-monitoring owns through its
 * manifest: files an earlier render wrote and this one does not are removed
 * (and folders left empty by that), other files are never touched. Refuses,
 * before changing anything, a non-empty folder without a manifest, a file it
 * would overwrite that it did not write, and a file it wrote that was edited
 * since, unless `force`. The manifest is written last, atomically.
 */
export function writeOwnedFolder(
  dir: string,
  files: readonly RenderedFile[],
  options: WriteFolderOptions,
): WriteFolderResult {
  const paths = new Set<string>();
  for (const file of files) {
    const problem = pathProblem(file.path);
    if (problem || paths.has(file.path))
      throw new Error(`internal: rendered file ${problem ?? `"${file.path}" twice`}`);
    paths.add(file.path);
  }
  if (dir === "") throw new OutputFolderError("--output needs a folder name, or '-' for stdout");
  const exists = checkOutputPath(dir);
  const previous = exists ? readManifest(dir) : undefined;
  if (exists && !previous && !options.force && readdirSync(dir).length > 0)
    throw new OutputFolderError(
      `${dir} is not empty and has no ${MANIFEST_NAME}, so materialize-monitoring did not write it: render into a new or empty folder, or pass --force to write into it (files it did not write are never removed)`,
    );
  const before = new Map(previous?.files.map((f) => [f.path, f.sha256]));

  const edited: string[] = [];
  const foreign: string[] = [];
  for (const file of files) {
    checkParents(dir, file.path);
    const state = fileState(join(dir, file.path));
    if (state === "missing") continue;
    if (state === "folder")
      throw new OutputFolderError(
        `cannot write ${join(dir, file.path)}: a folder is in its place (materialize-monitoring never deletes what it did not write)`,
      );
    const now = state === "other" ? undefined : state.hash;
    if (now === sha256(file.text)) continue;
    if (!before.has(file.path)) foreign.push(file.path);
    else if (now !== before.get(file.path)) edited.push(file.path);
  }
  const stale: string[] = [];
  for (const [path, hash] of before) {
    if (paths.has(path)) continue;
    checkParents(dir, path);
    const state = fileState(join(dir, path));
    if (state === "missing" || state === "folder") continue;
    if (state === "other" || state.hash !== hash) edited.push(path);
    stale.push(path);
  }
  if (!options.force) {
    const problems: string[] = [];
    if (foreign.length > 0)
      problems.push(
        `${listing(foreign.sort())} in ${dir} ${foreign.length === 1 ? "was" : "were"} not written by materialize-monitoring and would be overwritten`,
      );
    if (edited.length > 0)
      problems.push(
        `${listing(edited.sort())} in ${dir} changed since materialize-monitoring wrote ${edited.length === 1 ? "it" : "them"} and would be overwritten or removed (move the change into the values)`,
      );
    if (problems.length > 0)
      throw new OutputFolderError(
        `${problems.join("; ")}. Nothing was changed; pass --force to write anyway.`,
      );
  }

  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeAtomically(path, file.text);
  }
  const removed = stale.sort();
  for (const path of removed) {
    unlinkSync(join(dir, path));
    // Folders the removed file leaves empty go too, up to (not including) dir.
    for (let folder = dirname(path); folder !== "."; folder = dirname(folder)) {
      if (readdirSync(join(dir, folder)).length > 0) break;
      rmdirSync(join(dir, folder));
    }
  }
  writeAtomically(join(dir, MANIFEST_NAME), manifestText(files, options), true);
  return { written: [...paths].sort(), removed };
}
