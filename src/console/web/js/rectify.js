// Draws the card as the server saw it: the uploaded photo warped by the perspective that maps the
// card corners the server reported (`card.corners`: top-left, top-right, bottom-right,
// bottom-left of the upright card, in the pixels of the uploaded image after its EXIF
// orientation) onto a flat rectangle. The server does not return its rectified image; this is
// the same geometry, computed in the browser from the corners.

// Width / height of the card: ID-1 cards (CMND, CCCD, Căn cước) are 85.6 × 54 mm; a passport
// data page (TD3) is 125 × 88 mm.
const ASPECT_ID1 = 85.6 / 54;
const ASPECT_TD3 = 125 / 88;
const OUT_WIDTH = 800;

// Solves the 8 unknowns of the homography taking (u, v) in the output to (x, y) in the input.
function homography(dst, src) {
  const a = [];
  const b = [];
  for (let i = 0; i < 4; i += 1) {
    const [u, v] = dst[i];
    const [x, y] = src[i];
    a.push([u, v, 1, 0, 0, 0, -u * x, -v * x]); b.push(x);
    a.push([0, 0, 0, u, v, 1, -u * y, -v * y]); b.push(y);
  }
  // Gaussian elimination with partial pivoting.
  const n = 8;
  for (let c = 0; c < n; c += 1) {
    let p = c;
    for (let r = c + 1; r < n; r += 1) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) return null;
    [a[c], a[p]] = [a[p], a[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = 0; r < n; r += 1) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k += 1) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  return b.map((v, i) => v / a[i][i]);
}

// Returns a canvas with the rectified card, or null when the corners are unusable.
export async function rectifiedCard(file, corners, type) {
  if (!Array.isArray(corners) || corners.length !== 4) return null;
  const bitmap = await createImageBitmap(file);
  const aspect = type === 'PASSPORT' ? ASPECT_TD3 : ASPECT_ID1;
  const w = OUT_WIDTH;
  const hgt = Math.round(OUT_WIDTH / aspect);
  const m = homography([[0, 0], [w, 0], [w, hgt], [0, hgt]], corners);
  if (!m) return null;
  const src = document.createElement('canvas');
  src.width = bitmap.width;
  src.height = bitmap.height;
  const sctx = src.getContext('2d', { willReadFrequently: true });
  sctx.drawImage(bitmap, 0, 0);
  const sw = bitmap.width;
  const sh = bitmap.height;
  const sdata = sctx.getImageData(0, 0, sw, sh).data;
  const out = document.createElement('canvas');
  out.width = w;
  out.height = hgt;
  const octx = out.getContext('2d');
  const img = octx.createImageData(w, hgt);
  const d = img.data;
  for (let v = 0; v < hgt; v += 1) {
    for (let u = 0; u < w; u += 1) {
      const den = m[6] * u + m[7] * v + 1;
      const x = (m[0] * u + m[1] * v + m[2]) / den;
      const y = (m[3] * u + m[4] * v + m[5]) / den;
      const o = (v * w + u) * 4;
      if (x < 0 || y < 0 || x > sw - 1 || y > sh - 1) { d[o + 3] = 255; continue; }
      // Bilinear sample.
      const x0 = Math.floor(x); const y0 = Math.floor(y);
      const x1 = Math.min(x0 + 1, sw - 1); const y1 = Math.min(y0 + 1, sh - 1);
      const fx = x - x0; const fy = y - y0;
      for (let ch = 0; ch < 3; ch += 1) {
        const p00 = sdata[(y0 * sw + x0) * 4 + ch]; const p10 = sdata[(y0 * sw + x1) * 4 + ch];
        const p01 = sdata[(y1 * sw + x0) * 4 + ch]; const p11 = sdata[(y1 * sw + x1) * 4 + ch];
        d[o + ch] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
      }
      d[o + 3] = 255;
    }
  }
  octx.putImageData(img, 0, 0);
  bitmap.close();
  return out;
}

// The uploaded image with a box drawn on it (x, y, w, h in image pixels), e.g. a detected face.
export async function imageWithBox(file, box) {
  const bitmap = await createImageBitmap(file);
  const c = document.createElement('canvas');
  c.width = bitmap.width;
  c.height = bitmap.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  if (Array.isArray(box) && box.length === 4 && box[2] > 0) {
    ctx.lineWidth = Math.max(2, Math.round(bitmap.width / 200));
    ctx.strokeStyle = '#ffbf00';
    ctx.strokeRect(box[0], box[1], box[2], box[3]);
  }
  bitmap.close();
  return c;
}

// A crop of the uploaded image around a box, with a margin, as a canvas (the face "thumbnail").
export async function crop(file, box, margin = 0.35) {
  if (!Array.isArray(box) || box.length !== 4 || !(box[2] > 0)) return null;
  const bitmap = await createImageBitmap(file);
  const mx = box[2] * margin; const my = box[3] * margin;
  const x = Math.max(0, box[0] - mx); const y = Math.max(0, box[1] - my);
  const w = Math.min(bitmap.width - x, box[2] + 2 * mx); const hgt = Math.min(bitmap.height - y, box[3] + 2 * my);
  const c = document.createElement('canvas');
  const scale = Math.min(1, 320 / Math.max(w, hgt));
  c.width = Math.round(w * scale);
  c.height = Math.round(hgt * scale);
  c.getContext('2d').drawImage(bitmap, x, y, w, hgt, 0, 0, c.width, c.height);
  bitmap.close();
  return c;
}
