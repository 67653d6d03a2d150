// The tsconfig.json written next to scaffolded examples so the user's editor resolves
// `import ... from 'concurrency-lab'` (no TS2307) and gives IntelliSense in .mjs and .mts files:
// it maps the module name to the declarations shipped in the extension (BUNDLES.runtimeTypes).
// Pure (no vscode, no fs) so unit tests cover every decision; src/scaffold/write.ts does the I/O.

/** Written into the examples folder (one tsconfig.json serves both: allowJs covers the .mjs files). */
export const EXAMPLES_CONFIG_FILE = 'tsconfig.json';

/** First line of every config we write: how we recognise our own file (and the user can disown it). */
export const CONFIG_MARKER = '// Written by Concurrency Lab';

/**
 * The config's text for declarations at `typesPath` (absolute). JSONC, as tsconfig.json allows:
 * the marker comment says whose file it is and how to keep it from being rewritten.
 */
export function examplesConfigText(typesPath: string): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      // How Node itself runs these files: .mjs/.mts are ES modules.
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      // IntelliSense for the JavaScript examples, without flagging their (untyped) code as errors.
      allowJs: true,
      checkJs: false,
      noEmit: true,
      skipLibCheck: true,
      // Absolute: the declarations live in the extension's folder, not in this workspace.
      paths: { 'concurrency-lab': [typesPath.replace(/\\/g, '/')] },
    },
    // The examples use Node's globals (process, timers); the editor fetches Node's types when it can.
    typeAcquisition: { enable: true, include: ['node'] },
  };
  return [
    `${CONFIG_MARKER} so these examples type-check in the editor: 'concurrency-lab' maps to the`,
    '// extension\'s own declarations. Rewritten when the extension moves (e.g. after an update);',
    '// delete these three comment lines to make the file yours, and it is never touched again.',
    JSON.stringify(config, null, 2),
    '',
  ].join('\n');
}

/** True when the text is a config this extension wrote (and the user has not disowned it). */
export function isOurConfig(text: string): boolean {
  return text.replace(/^\uFEFF/, '').startsWith(CONFIG_MARKER);
}

/**
 * What to do with the examples folder's config: write it when absent, rewrite ours when it is out
 * of date (the extension moved: updates install into a new versioned folder), and never touch a
 * file of the user's. A user's jsconfig.json there is left in charge too: a tsconfig.json beside
 * it would silently take its place in the editor.
 */
export function configAction(existing: string | undefined, typesPath: string, userJsconfig = false): 'write' | 'keep' {
  if (existing === undefined) return userJsconfig ? 'keep' : 'write';
  if (!isOurConfig(existing)) return 'keep';
  return existing === examplesConfigText(typesPath) ? 'keep' : 'write';
}
