// The value every Pipe/Queue benchmark sends: the same shape as the Python baselines' dict, so
// both sides serialise comparable data (pickle there, structured clone here).
export function message(i) {
  return { id: i, name: 'msg', values: [1, 2, 3], nested: { ok: true } };
}

/** Integer args of a bench script: `node x.mjs MODE N P` -> numbers where numeric. */
export function argv() {
  return process.argv.slice(2).map((a) => (/^\d+$/.test(a) ? Number(a) : a));
}
