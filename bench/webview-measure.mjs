// What the viewer benchmarks measure inside the page, installed before the page's own scripts
// (playwright's addInitScript), so the same probes work in the HTML report opened from file://, in
// the webview test page and in the VS Code webview frame:
//   - first complete frame: the time (performance.now(), i.e. since navigation start) at which the
//     frame that set data-ready="true" on #root has been painted;
//   - input to paint: for each wheel, key press and drag move, from the moment the page dispatches
//     the input event (a capture listener on window, before the viewer's own handler) to the end of
//     the next frame's rendering (a rAF callback posts a message; the message runs once that
//     frame's style, layout and paint are done: the requestPostAnimationFrame polyfill). Also kept:
//     the same from the event's own timestamp, which adds the browser's input routing (the time
//     the event waited to be dispatched, often for the next frame; no page code can shorten it).
// Both read the time after paint with the same trick, which is what a person sees change.
/* global window, document, requestAnimationFrame, MutationObserver -- installProbes runs inside the page */

/** Runs in the page (as an init script); keeps its results on window.__clBench. */
export function installProbes() {
  const bench = { readyAt: undefined, inputs: [], record: true };
  window.__clBench = bench;
  const afterPaint = (fn) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => fn(performance.now());
    requestAnimationFrame(() => ch.port2.postMessage(0));
  };
  const watch = () => {
    const root = document.getElementById('root');
    if (!root) return false;
    const seen = () => {
      if (bench.readyAt === undefined && root.dataset.ready === 'true') {
        // Set inside the frame that drew: this frame's paint ends the load. (A message posted now
        // runs after this frame's rendering, as in afterPaint.)
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          bench.readyAt = performance.now();
        };
        ch.port2.postMessage(0);
      }
      if (root.dataset.ready === 'false') bench.readyAt = undefined;
    };
    new MutationObserver(seen).observe(root, { attributes: true, attributeFilter: ['data-ready'] });
    seen();
    return true;
  };
  if (!watch()) document.addEventListener('DOMContentLoaded', watch, { once: true });
  const onInput = (ev) => {
    if (!bench.record) return;
    if (ev.type === 'pointermove' && !(ev.buttons & 1)) return;
    // The modifier held for Ctrl+wheel is not an input of its own.
    if (ev.type === 'keydown' && (ev.key === 'Control' || ev.key === 'Shift')) return;
    const t0 = performance.now();
    const stamp = ev.timeStamp;
    const kind = ev.type === 'wheel' ? (ev.ctrlKey ? 'ctrl+wheel' : 'wheel') : ev.type === 'keydown' ? `key ${ev.key}` : 'drag';
    afterPaint((t1) => bench.inputs.push({ kind, ms: t1 - t0, fromStamp: t1 - stamp }));
  };
  for (const type of ['wheel', 'keydown', 'pointermove']) window.addEventListener(type, onInput, { capture: true, passive: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Drives zoom and pan through real input events (CDP, as a user's mouse and keyboard): Ctrl+wheel
 * zoom in and out around different points, drags, and the timeline's keys. `frame` is where the
 * viewer's document is (a Page or a Frame); `mouse`/`keyboard` belong to the page. Returns the
 * input-to-paint times in ms.
 */
export async function driveZoomPan(page, frame, rounds, canvasBox) {
  const box = canvasBox ?? (await frame.locator('canvas.lanes').boundingBox());
  const y = box.y + Math.min(box.height / 2, 120);
  await frame.evaluate(() => {
    window.__clBench.inputs = [];
  });
  const done = async (n) => {
    for (let i = 0; i < 200; i++) {
      if ((await frame.evaluate(() => window.__clBench.inputs.length)) >= n) return;
      await sleep(5);
    }
  };
  let expected = 0;
  await page.mouse.move(box.x + box.width * 0.4, y);
  for (let i = 0; i < rounds; i++) {
    const phase = i % 8;
    if (phase <= 2) {
      // Zoom in around a point that moves, as someone homing in on something.
      await page.mouse.move(box.x + box.width * (0.3 + 0.1 * phase), y);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -120);
      await page.keyboard.up('Control');
      expected += 1;
    } else if (phase === 3) {
      // Drag to pan: press, three moves, release.
      await page.mouse.move(box.x + box.width * 0.5, y);
      await page.mouse.down();
      for (let k = 1; k <= 3; k++) {
        await page.mouse.move(box.x + box.width * 0.5 - k * 40, y);
        expected += 1;
        await done(expected);
      }
      await page.mouse.up();
      continue;
    } else if (phase === 4) {
      await frame.locator('canvas.lanes').focus();
      await page.keyboard.press('d');
      expected += 1;
    } else if (phase === 5) {
      await page.keyboard.press('ArrowLeft');
      expected += 1;
    } else if (phase === 6) {
      await page.keyboard.press('s');
      expected += 1;
    } else {
      await page.mouse.move(box.x + box.width * 0.5, y);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, 360);
      await page.keyboard.up('Control');
      expected += 1;
    }
    await done(expected);
    // Inputs a few frames apart, as a person's: each is measured on its own.
    await sleep(20);
  }
  await done(expected);
  return frame.evaluate(() => window.__clBench.inputs.slice());
}

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

export const percentile = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN;
};

/** JS heap in use after a full GC, MB, through the DevTools protocol. */
export async function heapMb(context, page) {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const u = await cdp.send('Runtime.getHeapUsage');
    // Typed arrays' memory lives outside the JS heap: counted too when the browser reports it.
    return (u.usedSize + (u.backingStorageSize ?? 0)) / 1048576;
  } finally {
    await cdp.detach();
  }
}
