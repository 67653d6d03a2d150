// The border between the process list and the timeline: drag it, or focus it and use ←/→.
import { t } from '../strings';

const el = (tag: 'div') => document.createElement(tag);

/** The draggable (and keyboard-adjustable) border between the tree and the timeline. */
export function makeSplitter(root: HTMLElement, changed: () => void): HTMLElement {
  const sp = el('div');
  sp.className = 'splitter';
  sp.tabIndex = 0;
  sp.setAttribute('role', 'separator');
  sp.setAttribute('aria-orientation', 'vertical');
  sp.setAttribute('aria-label', t('resizeTree'));
  const set = (px: number) => {
    const max = Math.max(160, root.clientWidth - 160);
    const w = Math.round(Math.min(max, Math.max(160, px)));
    root.style.setProperty('--tree-width', `${w}px`);
    sp.setAttribute('aria-valuenow', String(w));
    changed();
  };
  const current = () => root.querySelector<HTMLElement>('.tree')?.getBoundingClientRect().width ?? 300;
  sp.addEventListener('pointerdown', (ev) => {
    sp.setPointerCapture(ev.pointerId);
    const startX = ev.clientX;
    const startW = current();
    const move = (e: PointerEvent) => set(startW + e.clientX - startX);
    const up = () => {
      sp.removeEventListener('pointermove', move);
      sp.removeEventListener('pointerup', up);
    };
    sp.addEventListener('pointermove', move);
    sp.addEventListener('pointerup', up);
  });
  sp.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowLeft') set(current() - 20);
    else if (ev.key === 'ArrowRight') set(current() + 20);
    else return;
    ev.preventDefault();
  });
  return sp;
}


/** Vertical padding and borders of an element: the part of its height flex-grow does not set. */
function fixedSize(e: HTMLElement): number {
  const cs = getComputedStyle(e);
  return [cs.paddingTop, cs.paddingBottom, cs.borderTopWidth, cs.borderBottomWidth].reduce((sum, v) => sum + (parseFloat(v) || 0), 0);
}

/** Bounds of the timeline's share of the height it splits with the details pane. */
export const MIN_SPLIT = 0.15;
export const MAX_SPLIT = 0.9;
export const DEFAULT_SPLIT = 0.65;

export const clampSplit = (f: number): number => Math.min(MAX_SPLIT, Math.max(MIN_SPLIT, f));

/**
 * The border between the timeline (with the replay bar) and the details pane: drag it, or focus it
 * and use ↑/↓. The share is a CSS variable (--split) both panes grow by, so it holds when the
 * panel is resized; `changed` receives it when the user moves the border (to remember it).
 */
export function makeHeightSplitter(root: HTMLElement, above: HTMLElement, below: HTMLElement, changed: (split: number) => void): { el: HTMLElement; set(split: number): void } {
  const sp = el('div');
  sp.className = 'hsplitter';
  sp.tabIndex = 0;
  sp.setAttribute('role', 'separator');
  sp.setAttribute('aria-orientation', 'horizontal');
  sp.setAttribute('aria-label', t('resizeDetails'));
  sp.setAttribute('aria-valuemin', String(Math.round(MIN_SPLIT * 100)));
  sp.setAttribute('aria-valuemax', String(Math.round(MAX_SPLIT * 100)));
  let current = DEFAULT_SPLIT;
  const set = (f: number) => {
    current = clampSplit(f);
    root.style.setProperty('--split', current.toFixed(4));
    sp.setAttribute('aria-valuenow', String(Math.round(current * 100)));
  };
  set(DEFAULT_SPLIT);
  sp.addEventListener('pointerdown', (ev) => {
    sp.setPointerCapture(ev.pointerId);
    // The panes grow from nothing by --split and 1 - --split: the timeline's height over the
    // two panes' heights together is the share. Between them sit the replay bar and this border.
    // Padding and borders do not grow (the details pane has padding), so they are not shared.
    const a = above.getBoundingClientRect();
    const between = sp.getBoundingClientRect().top - a.bottom;
    const fixedA = fixedSize(above);
    const total = Math.max(1, a.height - fixedA + below.getBoundingClientRect().height - fixedSize(below));
    const grab = ev.clientY - sp.getBoundingClientRect().top;
    const move = (e: PointerEvent) => {
      set((e.clientY - grab - between - a.top - fixedA) / total);
      changed(current);
    };
    const up = () => {
      sp.removeEventListener('pointermove', move);
      sp.removeEventListener('pointerup', up);
    };
    sp.addEventListener('pointermove', move);
    sp.addEventListener('pointerup', up);
    ev.preventDefault();
  });
  sp.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowUp') set(current - 0.05);
    else if (ev.key === 'ArrowDown') set(current + 0.05);
    else return;
    changed(current);
    ev.preventDefault();
  });
  return { el: sp, set };
}
