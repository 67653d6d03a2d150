// Time <-> pixel maths of the timeline: zoom keeps the point under the cursor, pans and clamps.
import * as assert from 'assert';
import { clampView, fit, MIN_SPAN_US, panBy, tOf, wheelZoomFactor, xOf, zoomAt } from '../../../src/webview/layout/scale';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} != ${b}`);

describe('webview layout: scale', () => {
  const extent = { t0: -1000, t1: 101_000 };

  it('maps time to pixels and back', () => {
    const v = { t0: 1000, t1: 3000 };
    assert.strictEqual(xOf(v, 200, 2000), 100);
    assert.strictEqual(tOf(v, 200, 50), 1500);
    close(tOf(v, 200, xOf(v, 200, 2345)), 2345);
  });

  it('fits the whole run with a margin', () => {
    const v = fit(0, 1_000_000);
    assert.ok(v.t0 < 0 && v.t1 > 1_000_000);
    close(v.t1 - v.t0, 1_040_000);
    // An empty or instant trace still has a usable width.
    const z = fit(5, 5);
    assert.ok(z.t1 - z.t0 >= MIN_SPAN_US);
  });

  it('zooms around the pointer: the time under it stays under it', () => {
    const v = { t0: 0, t1: 100_000 };
    const before = tOf(v, 1000, 250);
    const z = zoomAt(v, 1000, 250, 4, extent);
    close(z.t1 - z.t0, 25_000);
    close(tOf(z, 1000, 250), before);
    // Zooming back out by the same factor returns to the start.
    const back = zoomAt(z, 1000, 250, 1 / 4, extent);
    close(back.t0, 0);
    close(back.t1, 100_000);
  });

  it('never zooms past the minimum span or beyond the trace', () => {
    const v = { t0: 0, t1: 100_000 };
    const deep = zoomAt(v, 1000, 500, 1e9, extent);
    close(deep.t1 - deep.t0, MIN_SPAN_US);
    const wide = zoomAt(v, 1000, 500, 1e-9, extent);
    assert.deepStrictEqual(wide, extent);
  });

  it('pans by pixels and stops at the ends', () => {
    const v = { t0: 10_000, t1: 20_000 };
    const p = panBy(v, 1000, 100, extent);
    close(p.t0, 11_000);
    close(p.t1, 21_000);
    const left = panBy(v, 1000, -1e9, extent);
    assert.strictEqual(left.t0, extent.t0);
    const right = panBy(v, 1000, 1e9, extent);
    assert.strictEqual(right.t1, extent.t1);
    assert.deepStrictEqual(clampView({ t0: 0, t1: 0 }, extent), { t0: 0, t1: MIN_SPAN_US });
  });

  it('turns wheel deltas into bounded zoom factors', () => {
    assert.ok(wheelZoomFactor(-100, 0) > 1, 'wheel up zooms in');
    assert.ok(wheelZoomFactor(100, 0) < 1, 'wheel down zooms out');
    close(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0), 1);
    // Line-mode wheels (Firefox-style) and huge deltas are clamped.
    assert.strictEqual(wheelZoomFactor(3, 1), wheelZoomFactor(48, 0));
    assert.strictEqual(wheelZoomFactor(1e6, 0), wheelZoomFactor(300, 0));
  });
});
