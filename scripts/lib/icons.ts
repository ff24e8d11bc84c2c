// Draws Kindred's icon (two linked rings on a teal tile) as PNGs at build time, so the repository
// carries no binary assets and every size is crisp.
import { deflateSync, crc32 } from 'node:zlib';

function png(size: number, rgba: Uint8Array): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage of the shape at a point in unit space [0,1]²: 0 none, 1 tile, 2 ring. */
function shape(x: number, y: number): 0 | 1 | 2 {
  const r = 0.2; // tile corner radius
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return 0;
  const ring = (ox: number) => {
    const d = Math.hypot(x - ox, y - 0.5);
    return d > 0.16 && d < 0.25;
  };
  return ring(0.37) || ring(0.63) ? 2 : 1;
}

export function icon(size: number): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let ring = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const s = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (s === 1) tile++;
          if (s === 2) ring++;
        }
      }
      const n = samples * samples;
      const cover = (tile + ring) / n;
      const white = cover ? ring / (tile + ring) : 0;
      const i = (py * size + px) * 4;
      rgba[i] = Math.round(0x1f + (255 - 0x1f) * white);
      rgba[i + 1] = Math.round(0x6f + (255 - 0x6f) * white);
      rgba[i + 2] = Math.round(0x6b + (255 - 0x6b) * white);
      rgba[i + 3] = Math.round(255 * cover);
    }
  }
  return png(size, rgba);
}
