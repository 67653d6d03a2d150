// Webpack plugin: after the runtime bundle is emitted, write the `.d.ts` of its public API
// (src/runtime/tsconfig.decl.json) so `npm run build` stays one command and the .vsix ships
// types for scaffolded examples. Declarations only, no type check (`npm run typecheck` does that),
// which keeps it to about a second of CPU.
'use strict';
const fs = require('fs');

class RuntimeDeclarationsPlugin {
  /** @param {string} configFile absolute path of the declarations tsconfig */
  constructor(configFile) {
    this.configFile = configFile;
  }

  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    compiler.hooks.afterEmit.tap('RuntimeDeclarationsPlugin', (compilation) => {
      for (const problem of this.emit()) compilation.errors.push(new compiler.webpack.WebpackError(problem));
    });
  }

  /** Emits the declarations; returns one line per problem. */
  emit() {
    // Loaded lazily: only a build that includes the runtime bundle pays for it.
    const ts = require('typescript');
    const format = (d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file) return `runtime declarations: ${text}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `runtime declarations: ${d.file.fileName}:${line + 1}:${character + 1} ${text}`;
    };
    const configDiagnostics = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(this.configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configDiagnostics.push(d) });
    if (!parsed) return configDiagnostics.map(format);
    if (parsed.errors.length) return parsed.errors.map(format);
    // A clean folder: a module removed from the runtime must not leave its stale .d.ts behind.
    if (parsed.options.outDir) fs.rmSync(parsed.options.outDir, { recursive: true, force: true });
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
    const result = program.emit();
    return result.diagnostics.map(format);
  }
}

module.exports = { RuntimeDeclarationsPlugin };
