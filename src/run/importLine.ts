// Where a file imports `concurrency-lab` (the CodeLens goes above that line). Pure, unit-tested.

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])concurrency-lab\1/;

/** Pure: the 0-based line of the first import of `concurrency-lab`, or -1. */
export function findRuntimeImportLine(text: string): number {
  const lines = text.split(/\r?\n/);
  return lines.findIndex((l) => IMPORT_RE.test(l));
}

const PY_IMPORT_RE = /^\s*(?:import\s+(?:multiprocessing|threading|concurrent\.futures)\b|from\s+(?:multiprocessing|threading|concurrent\.futures)(?:\.\w+)*\s+import\b)/;

/** Pure: the 0-based line of a Python file's first import of multiprocessing, threading or
 *  concurrent.futures, or -1. */
export function findPythonConcurrencyLine(text: string): number {
  const lines = text.split(/\r?\n/);
  return lines.findIndex((l) => PY_IMPORT_RE.test(l));
}
