// Scaffolding never overwrites: pick `name.ext`, else `name-2.ext`, `name-3.ext`, ...
// Pure apart from the injected `exists`, so it is unit-tested without a file system.

/**
 * Names that must also be free for `fileName` to be taken: the same stem in the other language.
 * TypeScript leaves `x.mjs` out of a tsconfig project when `x.mts` is beside it (it takes the
 * .mjs for the .mts's output), so the JavaScript example would lose its types in the editor.
 */
export function sameStemNames(fileName: string): string[] {
  const m = /^(.*)\.m[jt]s$/.exec(fileName);
  return m ? [`${m[1]}.mjs`, `${m[1]}.mts`] : [fileName];
}

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
