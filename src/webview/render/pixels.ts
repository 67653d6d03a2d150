// The timeline's rectangles (row bands, lifespans, task spans and runs, ticks) painted straight into
// a pixel buffer and put on the canvas in one call. Without a GPU, Chromium's 2D canvas rasterizes
// every fillRect on the main thread at a cost per call (measured: 20,000 rects ~20 ms, the same
// written into a buffer and put ~6 ms); this costs per pixel instead, so a frame of a dense trace
// costs about what a frame of a small one does. Lines, text and shapes are drawn on the canvas over it.

/** An opaque colour as 0xAABBGGRR (little-endian RGBA in a Uint32Array over ImageData). */
export type Rgba = number;

const colorCache = new Map<string, [number, number, number, number]>();
let probe: CanvasRenderingContext2D | undefined;

/** Any CSS colour as [r, g, b, a (0..1)], through the canvas's own parser (cached). */
export function parseColor(css: string): [number, number, number, number] {
  let c = colorCache.get(css);
  if (c) return c;
  probe ??= document.createElement('canvas').getContext('2d')!;
  probe.fillStyle = '#000000';
  probe.fillStyle = css;
  const v = String(probe.fillStyle);
  if (v.startsWith('#')) c = [parseInt(v.slice(1, 3), 16), parseInt(v.slice(3, 5), 16), parseInt(v.slice(5, 7), 16), 1];
  else {
    const m = /rgba?\(([^)]+)\)/.exec(v);
    const p = m ? m[1]!.split(',').map((x) => Number(x.trim())) : [0, 0, 0, 1];
    c = [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
  }
  colorCache.set(css, c);
  return c;
}

const pack = (r: number, g: number, b: number): Rgba => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;

/** `css` at `alpha` over the opaque colour `under`, as one opaque pixel value: blended once, filled fast. */
export function mix(css: string, alpha: number, under: string): Rgba {
  const [r, g, b, ca] = parseColor(css);
  const [ur, ug, ub] = parseColor(under);
  const a = alpha * ca;
  return pack(Math.round(r * a + ur * (1 - a)), Math.round(g * a + ug * (1 - a)), Math.round(b * a + ub * (1 - a)));
}

export class PixelLayer {
  private image: ImageData | undefined;
  private buf = new Uint32Array(0);
  /** Device pixels per CSS pixel. */
  private dpr = 1;
  width = 0;
  height = 0;

  /** Starts a frame of `w` x `h` CSS pixels filled with `background`. */
  begin(ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number, background: string): void {
    const bw = Math.max(1, Math.round(w * dpr));
    const bh = Math.max(1, Math.round(h * dpr));
    if (!this.image || this.image.width !== bw || this.image.height !== bh) {
      this.image = ctx.createImageData(bw, bh);
      this.buf = new Uint32Array(this.image.data.buffer);
    }
    this.dpr = dpr;
    this.width = bw;
    this.height = bh;
    const [r, g, b] = parseColor(background);
    this.buf.fill((255 << 24) | (b << 16) | (g << 8) | r);
  }

  /** Fills the rect (CSS pixels, snapped to device pixels) with an opaque pixel value (see mix). */
  fill(v: Rgba, x: number, y: number, w: number, h: number): void {
    const d = this.dpr;
    const fx = Math.floor(x * d);
    const x0 = Math.max(0, fx);
    const x1 = Math.min(this.width, Math.max(fx + 1, Math.round((x + w) * d)));
    const y0 = Math.max(0, Math.floor(y * d));
    const y1 = Math.min(this.height, Math.round((y + h) * d));
    if (x0 >= x1) return;
    const W = this.width;
    const buf = this.buf;
    if (x1 - x0 > 24) {
      for (let yy = y0; yy < y1; yy++) buf.fill(v, yy * W + x0, yy * W + x1);
      return;
    }
    // Narrow rects (most of them: runs, ticks): a plain loop beats a fill() call per row.
    const n = x1 - x0;
    for (let i = y0 * W + x0, end = y1 * W; i < end; i += W) for (let k = 0; k < n; k++) buf[i + k] = v;
  }

  /**
   * Diagonal stripes (blocked time) in the rect: pixels on every `period`th diagonal, `thick`
   * wide (CSS pixels), take the opaque value `v`; the rest keep what is under them. Stripes are
   * anchored to the canvas, so neighbouring hatched rects join up.
   */
  hatch(v: Rgba, x: number, y: number, w: number, h: number, period = 6, thick = 2): void {
    const d = this.dpr;
    const fx = Math.floor(x * d);
    const x0 = Math.max(0, fx);
    const x1 = Math.min(this.width, Math.max(fx + 1, Math.round((x + w) * d)));
    const y0 = Math.max(0, Math.floor(y * d));
    const y1 = Math.min(this.height, Math.round((y + h) * d));
    if (x0 >= x1 || y0 >= y1) return;
    const p = Math.max(2, Math.round(period * d));
    const th = Math.max(1, Math.round(thick * d));
    const W = this.width;
    const buf = this.buf;
    for (let yy = y0; yy < y1; yy++) {
      const row = yy * W;
      // First column of this row on a stripe, then every period.
      let xx = x0 + ((p - ((x0 + yy) % p)) % p) - p;
      for (; xx < x1; xx += p) {
        const a = Math.max(x0, xx);
        const b = Math.min(x1, xx + th);
        for (let k = a; k < b; k++) buf[row + k] = v;
      }
    }
  }

  /** Fills the rect (CSS pixels, snapped to device pixels) with `css` at `alpha` over what is there. */
  rect(css: string, alpha: number, x: number, y: number, w: number, h: number): void {
    const d = this.dpr;
    const x0 = Math.max(0, Math.floor(x * d));
    const x1 = Math.min(this.width, Math.max(Math.floor(x * d) + 1, Math.round((x + w) * d)));
    const y0 = Math.max(0, Math.floor(y * d));
    const y1 = Math.min(this.height, Math.round((y + h) * d));
    if (x0 >= x1 || y0 >= y1) return;
    const [r, g, b, ca] = parseColor(css);
    const a = alpha * ca;
    const buf = this.buf;
    const W = this.width;
    if (a >= 0.999) {
      const v = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
      for (let yy = y0; yy < y1; yy++) buf.fill(v, yy * W + x0, yy * W + x1);
      return;
    }
    const ia = 1 - a;
    const ar = r * a;
    const ag = g * a;
    const ab = b * a;
    for (let yy = y0; yy < y1; yy++) {
      let i = yy * W + x0;
      const end = yy * W + x1;
      // Runs of one underlying colour (the usual case: a band) blend once.
      let last = -1;
      let out = 0;
      for (; i < end; i++) {
        const p = buf[i]!;
        if (p !== last) {
          last = p;
          const nr = (ar + (p & 255) * ia) | 0;
          const ng = (ag + ((p >>> 8) & 255) * ia) | 0;
          const nb = (ab + ((p >>> 16) & 255) * ia) | 0;
          out = ((255 << 24) | (nb << 16) | (ng << 8) | nr) >>> 0;
        }
        buf[i] = out;
      }
    }
  }

  /** Puts the frame on the canvas (device pixels, whatever its transform). */
  end(ctx: CanvasRenderingContext2D): void {
    if (this.image) ctx.putImageData(this.image, 0, 0);
  }
}
