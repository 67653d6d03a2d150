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

