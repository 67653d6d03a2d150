// Snippet bodies -> the code they insert, for tests that parse or run them.

/** The text a snippet inserts when every placeholder keeps its default and every choice its first option. */
export function expandSnippet(body: string[]): string {
  const expanded = body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
    .replace(/\$\{\d+:((?:\\\}|[^}])*)\}/g, '$1')
    .replace(/\$\d+/g, '');
  // Any `$` left that is not escaped would be snippet syntax this expansion does not know.
  const stray = /(?<!\\)\$[{\d\w]/.exec(expanded);
  if (stray) throw new Error(`unexpanded snippet syntax at ${JSON.stringify(expanded.slice(stray.index, stray.index + 20))}`);
  return expanded.replace(/\\([$}\\])/g, '$1');
}
