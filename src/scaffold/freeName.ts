// Scaffolding never overwrites: pick `name.ext`, else `name-2.ext`, `name-3.ext`, ...
// Pure apart from the injected `exists`, so it is unit-tested without a file system.

export async function pickFreeName(
  base: string,
  ext: string,
  exists: (fileName: string) => Promise<boolean>,
  limit = 10_000,
): Promise<string> {
  for (let n = 1; n <= limit; n++) {
    const candidate = n === 1 ? `${base}${ext}` : `${base}-${n}${ext}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`no free file name for ${base}${ext} after ${limit} tries`);
}
