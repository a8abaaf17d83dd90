/**
 * Reading the file list of a package tarball (gzip'd ustar, as `pnpm pack`
 * and `npm pack` write it) without extracting it. Pure apart from gunzip.
 */
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  path: string;
  size: number;
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString("utf8");
}

function octal(block: Buffer, start: number, length: number): number {
  const field = text(block, start, length).trim();
  if (field === "") return 0;
  if (!/^[0-7]+$/.test(field)) throw new Error(`bad tar number field: ${JSON.stringify(field)}`);
  return Number.parseInt(field, 8);
}

/** `path=value` records of a pax extended header. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(offset, space).toString("utf8"), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

/** The regular files of an uncompressed tar archive, with their sizes. */
export function tarEntries(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let nextPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end of archive
    const name = text(header, 0, 100);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const magic = text(header, 257, 6);
    const prefix = magic.startsWith("ustar") ? text(header, 345, 155) : "";
    const dataStart = offset + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    if (type === "x") {
      nextPath = paxRecords(data).path ?? nextPath;
    } else if (type === "L") {
      nextPath = text(data, 0, data.length);
    } else if (type === "0" || type === "\0") {
      const path = nextPath ?? (prefix ? `${prefix}/${name}` : name);
      entries.push({ path, size });
      nextPath = undefined;
    } else if (type !== "g") {
      nextPath = undefined; // directories, links: not files
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

export interface TarballSummary {
  /** Size of the .tgz file. */
  packedBytes: number;
  /** Sum of the sizes of the files in it (npm's "unpacked size"). */
  unpackedBytes: number;
  files: number;
  entries: TarEntry[];
}

export function summarizeTarball(tgz: Buffer): TarballSummary {
  const entries = tarEntries(gunzipSync(tgz));
  return {
    packedBytes: tgz.length,
    unpackedBytes: entries.reduce((sum, e) => sum + e.size, 0),
    files: entries.length,
    entries,
  };
}
