// Draws the Seatdesk icon and writes resources/icon.png (1024), icon.icns (macOS) and
// icon.ico (Windows, installer included). No image tools needed: `node build/make-icons.mjs`.
// The mark: three seats in a row on a blue tile, the middle one taken.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { deflateSync } from 'node:zlib';

const OUT = join(import.meta.dirname, '../resources');

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedBox(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** RGBA of the icon at unit coordinates (0..1), before anti-aliasing. */
function shade(u, v) {
  const tile = roundedBox(u, v, 0.5, 0.5, 0.41, 0.41, 0.1);
  if (tile > 0) return [0, 0, 0, 0];
  const t = v; // vertical gradient
  let color = [Math.round(43 - 15 * t), Math.round(95 - 32 * t), Math.round(217 - 64 * t), 255];
  for (const [index, cx] of [0.3, 0.5, 0.7].entries()) {
    const back = roundedBox(u, v, cx, 0.44, 0.075, 0.12, 0.04);
    const seat = roundedBox(u, v, cx, 0.6, 0.085, 0.035, 0.03);
    const inside = Math.min(back, seat) <= 0;
    if (inside) color = index === 1 ? [255, 196, 61, 255] : [255, 255, 255, 255];
  }
  const desk = roundedBox(u, v, 0.5, 0.72, 0.27, 0.025, 0.02);
  if (desk <= 0) color = [255, 255, 255, 235];
  return color;
}

function render(size) {
  const samples = size >= 256 ? 2 : 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [r, g, b, a] = shade((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const n = samples * samples;
      const alpha = sum[3] / n;
      const offset = (y * size + x) * 4;
      pixels[offset] = alpha === 0 ? 0 : Math.round(sum[0] / sum[3]);
      pixels[offset + 1] = alpha === 0 ? 0 : Math.round(sum[1] / sum[3]);
      pixels[offset + 2] = alpha === 0 ? 0 : Math.round(sum[2] / sum[3]);
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size) {
  const pixels = render(size);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A 32-bit BMP entry for an .ico (NSIS reads BMP entries reliably below 256 px). */
function icoBitmap(size) {
  const pixels = render(size);
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR image + AND mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const xor = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4; // bottom-up, BGRA
      xor[to] = pixels[from + 2];
      xor[to + 1] = pixels[from + 1];
      xor[to + 2] = pixels[from];
      xor[to + 3] = pixels[from + 3];
    }
  }
  const andMask = Buffer.alloc((Math.ceil(size / 32) * 4) * size);
  return Buffer.concat([header, xor, andMask]);
}

function ico(sizes) {
  const images = sizes.map((size) => (size >= 256 ? png(size) : icoBitmap(size)));
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const entry = 6 + 16 * i;
    header[entry] = size >= 256 ? 0 : size;
    header[entry + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(images[i].length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += images[i].length;
  });
  return Buffer.concat([header, ...images]);
}

function icns(entries) {
  const parts = entries.map(([type, size]) => {
    const data = png(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

writeFileSync(join(OUT, 'icon.png'), png(1024));
writeFileSync(join(OUT, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256]));
writeFileSync(
  join(OUT, 'icon.icns'),
  icns([['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024], ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512]]),
);
process.stdout.write('icons written to resources/: icon.png, icon.ico, icon.icns\n');
