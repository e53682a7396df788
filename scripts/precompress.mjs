// Writes a brotli (quality 11) and a gzip (level 9) copy beside every compressible file of the
// built front end, so that the server sends the copy the request accepts and never compresses a
// static file per request (server/src/http/mod.rs). Trunk runs it after each build (Trunk.toml,
// a post_build hook on its staging directory); by hand: `node scripts/precompress.mjs dist`.
// A copy that would not be smaller than the file is not written (the server then sends the file).
import { readdirSync, readFileSync, writeFileSync, rmSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs <dist directory>");
  process.exit(2);
}
const compressible = new Set([".wasm", ".js", ".mjs", ".css", ".html", ".svg", ".json", ".webmanifest", ".txt"]);

function* files(d) {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (compressible.has(extname(name))) yield path;
  }
}

let raw = 0, br = 0, gz = 0;
for (const path of files(dir)) {
  const bytes = readFileSync(path);
  const text = extname(path) !== ".wasm";
  const copies = [
    [".br", brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    })],
    [".gz", gzipSync(bytes, { level: 9 })],
  ];
  raw += bytes.length;
  for (const [ext, copy] of copies) {
    const out = path + ext;
    rmSync(out, { force: true });
    if (copy.length < bytes.length) writeFileSync(out, copy);
    const size = Math.min(copy.length, bytes.length);
    if (ext === ".br") br += size; else gz += size;
  }
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.error(`precompressed ${dir}: ${kb(raw)} raw, ${kb(br)} brotli, ${kb(gz)} gzip`);
