// The results table's rows: per-rep ratios, their spread, and whether a goal held in every rep.
// A goal that holds in the median but not in one rep is not met: a new user's single run can be
// any one of those reps. CommonJS so the .mjs harness and the unit tests (sucrase, CJS) share it.
'use strict';

/** A benchmark line that could not be measured (feature missing, python absent). Not a failure. */
class Skip extends Error {}

/** Median of a non-empty list of numbers. */
function median(xs) {
  if (!xs.length) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Human number with its unit: 123456 ops/s -> "123.5k ops/s", 0.0532 ms -> "53.2 µs". */
function fmt(v, unit) {
  if (unit === 'ms') return v < 1 ? `${(v * 1000).toFixed(1)} µs` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`;
  if (unit === 'x') return `${v.toFixed(2)}×`;
  const k = v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(1);
  return `${k} ${unit}`;
}

const goalText = (goal, higherIsBetter) => `${higherIsBetter ? '≥' : '≤'} ${goal}×`;
const spreadText = (xs) => (xs.length > 1 ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : '');

/**
 * One goal line. `ours` and `baseline` are the per-rep results of two measurements made in the
 * same rounds (see interleave), or a Skip/Error that stopped one of them; `baseline` may also be
 * a fixed number. `value` turns one result into a number in `unit`. Rep i's ratio is
 * value(ours[i]) / value(baseline[i]); `goal` is a ratio that every rep must reach (`higherIsBetter`
 * says which way). Optional per-rep judges:
 * - `repProblem(i)` → a reason rep i fails besides its ratio (lost events, …), or undefined;
 * - `inconclusive(i)` → a reason a missed rep i says nothing (the machine could not do better right
 *   now), or undefined. Such a rep counts as n/a, not NO.
 * The row shows the medians of both sides, the median ratio, the ratios' min–max, and
 * `yes k/n` / `NO k/n` / `n/a k/n` with k the reps that met the goal.
 */
function row({ what, ours, baseline, value = (x) => x, unit, higherIsBetter, goal, note, repProblem, inconclusive }) {
  const goalStr = goalText(goal, higherIsBetter);
  const problem = [ours, baseline].find((v) => v instanceof Error);
  if (problem) {
    const side = (v) => (v instanceof Error || typeof v === 'number' ? (typeof v === 'number' ? fmt(v, unit) : '-') : fmt(median(v.map(value)), unit));
    return { what, ours: side(ours), baseline: side(baseline), ratio: '-', spread: '', goal: goalStr, met: problem instanceof Skip ? 'n/a' : 'ERROR', note: problem.message, error: !(problem instanceof Skip) };
  }
  const o = ours.map(value);
  const b = typeof baseline === 'number' ? o.map(() => baseline) : baseline.map(value);
  const n = Math.min(o.length, b.length);
  const ratios = [];
  const verdicts = [];
  const reasons = [];
  for (let i = 0; i < n; i++) {
    const ratio = o[i] / b[i];
    ratios.push(ratio);
    const extra = repProblem?.(i);
    const ratioMet = higherIsBetter ? ratio >= goal : ratio <= goal;
    if (extra) {
      verdicts.push('NO');
      reasons.push(extra);
    } else if (ratioMet) verdicts.push('yes');
    else {
      const why = inconclusive?.(i);
      verdicts.push(why ? 'n/a' : 'NO');
      if (why) reasons.push(why);
    }
  }
  const k = verdicts.filter((v) => v === 'yes').length;
  const met = verdicts.includes('NO') ? 'NO' : verdicts.includes('n/a') ? 'n/a' : 'yes';
  const ratioValue = median(ratios);
  const notes = [note, ...new Set(reasons)].filter(Boolean);
  return {
    what,
    ours: fmt(median(o.slice(0, n)), unit),
    baseline: fmt(median(b.slice(0, n)), unit),
    ratio: `${ratioValue.toFixed(2)}×`,
    spread: spreadText(ratios),
    goal: goalStr,
    met: `${met} ${k}/${n}`,
    note: notes.join('; '),
    verdict: met,
    ratioValue,
    ratios,
  };
}

/** A reference line (no goal): something measured for context, e.g. Node's own IPC. `value` is
 *  one number, per-rep numbers (median and min–max shown), or the Skip/Error that stopped it. */
function refRow({ what, value, unit, note }) {
  if (value instanceof Error) return { what, ours: '-', baseline: '', ratio: '', spread: '', goal: 'reference', met: '', note: value.message };
  const xs = Array.isArray(value) ? value : [value];
  const spread = xs.length > 1 ? `${fmt(Math.min(...xs), unit)}–${fmt(Math.max(...xs), unit)}` : '';
  return { what, ours: fmt(median(xs), unit), baseline: '', ratio: '', spread, goal: 'reference', met: '', note: note ?? '' };
}

/** A row's verdict alone: 'yes' | 'NO' | 'n/a' | 'ERROR' | '' (reference). Rows from the panel's
 *  benchmark script carry only `met`. */
function verdictOf(r) {
  return r.verdict ?? String(r.met ?? '').split(' ')[0];
}

const COLUMNS = [
  ['what', 'what'],
  ['ours', 'ours'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['spread', 'min–max'],
  ['goal', 'goal'],
  ['met', 'met (reps)'],
  ['note', 'note'],
];

/** Rows as an aligned plain-text table (also valid Markdown). */
function formatTable(rows) {
  const cells = rows.map((r) => COLUMNS.map(([c]) => String(r[c] ?? '').replace(/\|/g, '\\|')));
  const width = COLUMNS.map(([, h], i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (vals) => '| ' + vals.map((v, i) => v.padEnd(width[i])).join(' | ') + ' |';
  return [line(COLUMNS.map(([, h]) => h)), '|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line)].join('\n') + '\n';
}

module.exports = { Skip, median, fmt, row, refRow, verdictOf, formatTable };
