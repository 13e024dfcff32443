/**
 * Draws the LLM OS app icons (a white diamond on a blue rounded square) as PNGs with no dependencies —
 * a tiny PNG encoder over zlib — and the SVG favicon. Run: `node scripts/make-icons.mjs`.
 * Outputs public/favicon.svg and public/icons/{icon-192,icon-512,maskable-512,apple-touch-icon-180}.png.
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const BLUE = [0x21, 0x56, 0xd1];
const WHITE = [0xff, 0xff, 0xff];

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage-sampled drawing: `inside(x, y)` in unit coordinates → 'bg' | 'fg' | null (transparent). */
function draw(size, shape) {
  const S = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < S; sy++) for (let sx = 0; sx < S; sx++) {
      const c = shape((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
      if (!c) continue;
      r += c[0]; g += c[1]; b += c[2]; a += 1;
    }
    const i = (y * size + x) * 4;
    if (a) { out[i] = r / a; out[i + 1] = g / a; out[i + 2] = b / a; }
    out[i + 3] = Math.round((a / (S * S)) * 255);
  }
  return out;
}

function roundedSquare(u, v, inset, radius) {
  const x = Math.abs(u - 0.5), y = Math.abs(v - 0.5), h = 0.5 - inset;
  const dx = Math.max(0, x - (h - radius)), dy = Math.max(0, y - (h - radius));
  return x <= h && y <= h && dx * dx + dy * dy <= radius * radius;
}
const diamond = (u, v, r) => Math.abs(u - 0.5) + Math.abs(v - 0.5) <= r;

const icon = (full) => (u, v) => {
  if (diamond(u, v, full ? 0.24 : 0.27)) return WHITE;
  if (full || roundedSquare(u, v, 0.02, 0.2)) return BLUE;
  return null;
};

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, draw(192, icon(false))));
writeFileSync('public/icons/icon-512.png', png(512, draw(512, icon(false))));
// Maskable: full bleed, the diamond inside the 80 % safe zone.
writeFileSync('public/icons/maskable-512.png', png(512, draw(512, icon(true))));
writeFileSync('public/icons/apple-touch-icon-180.png', png(180, draw(180, icon(true))));
writeFileSync('public/favicon.svg', `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect x="1" y="1" width="62" height="62" rx="13" fill="#2156d1"/><path d="M32 14.7 49.3 32 32 49.3 14.7 32z" fill="#fff"/></svg>\n`);
console.log('icons written');
