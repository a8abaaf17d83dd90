import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { findBinary } from "../src/exec.js";
import { summarizeTarball, tarEntries } from "../src/tarball.js";

/** A ustar header block (checksum included, though the reader does not need it). */
function header(name: string, size: number, type = "0", prefix = ""): Buffer {
  const block = Buffer.alloc(512, 0);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  block.write("00000000000\0", 136);
  block.write(type, 156);
  block.write("ustar\0", 257);
  block.write("00", 263);
  block.write(prefix, 345, 155, "utf8");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

function entry(name: string, data: Buffer | string, type = "0", prefix = ""): Buffer {
  const body = Buffer.from(data);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512, 0);
  body.copy(padded);
  return Buffer.concat([header(name, body.length, type, prefix), padded]);
}

function pax(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([k, v]) => {
    const rest = ` ${k}=${v}\n`;
    let length = rest.length + 1;
    while (`${length}${rest}`.length !== length) length += 1;
    return `${length}${rest}`;
  });
  return entry("PaxHeader", lines.join(""), "x");
}

const END = Buffer.alloc(1024, 0);

describe("tarEntries", () => {
  it("lists regular files with their sizes, not directories", () => {
    const tar = Buffer.concat([
      entry("package/", "", "5"),
      entry("package/package.json", '{"name":"x"}'),
      entry("package/dist/index.js", "x".repeat(1300)),
      END,
    ]);
    expect(tarEntries(tar)).toEqual([
      { path: "package/package.json", size: 12 },
      { path: "package/dist/index.js", size: 1300 },
    ]);
  });

  it("joins the ustar prefix, and takes long names from pax and GNU headers", () => {
    const long = `package/${"d/".repeat(60)}file.js`;
    const tar = Buffer.concat([
      entry("index.js", "abc", "0", "package/dist"),
      pax({ path: long, mtime: "0" }),
      entry("truncated-name", "12345"),
      entry("././@LongLink", `${long}.map\0`, "L"),
      entry("also-truncated", "1"),
      entry("after.js", ""),
      END,
    ]);
    expect(tarEntries(tar)).toEqual([
      { path: "package/dist/index.js", size: 3 },
      { path: long, size: 5 },
      { path: `${long}.map`, size: 1 },
      { path: "after.js", size: 0 },
    ]);
  });

  it("rejects a corrupt size field", () => {
    const bad = header("package/a", 1);
    bad.write("zzzzzzzzzzz\0", 124);
    expect(() => tarEntries(Buffer.concat([bad, Buffer.alloc(512), END]))).toThrow(
      "bad tar number field",
    );
  });

  it("summarizes a gzip'd tarball: packed bytes, unpacked bytes, file count", () => {
    const tgz = gzipSync(
      Buffer.concat([entry("package/a.js", "x".repeat(700)), entry("package/b.js", "yy"), END]),
    );
    const summary = summarizeTarball(tgz);
    expect(summary).toMatchObject({ packedBytes: tgz.length, unpackedBytes: 702, files: 2 });
  });
});

describe.skipIf(!findBinary("tar"))("tarEntries against archives written by tar(1)", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-tar-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ["gnu", "pax", "ustar"] as const) {
    it(`reads the ${format} format, long names included where the format has them`, () => {
      const root = join(dir, format, "package");
      const deep = format === "ustar" ? "short" : `${"nested-directory/".repeat(8)}deep`;
      mkdirSync(join(root, deep), { recursive: true });
      writeFileSync(join(root, "package.json"), '{"name":"t"}\n');
      writeFileSync(join(root, deep, "file.js"), "z".repeat(2049));
      const archive = join(dir, `${format}.tgz`);
      execFileSync("tar", [
        `--format=${format}`,
        "-czf",
        archive,
        "-C",
        join(dir, format),
        "package",
      ]);
      const summary = summarizeTarball(readFileSync(archive));
      const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
      expect(summary.entries.sort(byPath)).toEqual(
        [
          { path: `package/${deep}/file.js`, size: 2049 },
          { path: "package/package.json", size: 13 },
        ].sort(byPath),
      );
      expect(summary.unpackedBytes).toBe(2062);
    });
  }
});
