// Finds every message the extension passes to vscode.l10n.t, with the TypeScript parser (not a
// regex, so quotes, escapes and line breaks are handled as the compiler sees them).
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { EXAMPLES } from '../../../src/scaffold/catalogue';

export interface L10nScan {
  /** Literal messages, each with the first place it is used. */
  messages: Map<string, string>;
  /** Calls whose message is not a literal (file:line), other than the catalogue's titles. */
  dynamic: string[];
}

function* tsFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

export function scanL10n(dirs: string[]): L10nScan {
  const messages = new Map<string, string>();
  const dynamic: string[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of tsFiles(dir)) {
      const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node) => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          node.expression.name.text === 't' &&
          /(^|\.)l10n$/.test(node.expression.expression.getText(src))
        ) {
          const first = node.arguments[0];
          const where = `${path.relative(process.cwd(), file)}:${src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1}`;
          if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
            if (!messages.has(first.text)) messages.set(first.text, where);
          } else if (!(first && /^e\.(title|detail)$/.test(first.getText(src)))) {
            dynamic.push(where);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(src);
    }
  }
  // The catalogue's titles and details reach l10n.t through a variable.
  for (const e of EXAMPLES) {
    if (!messages.has(e.title)) messages.set(e.title, 'src/scaffold/catalogue.ts');
    if (!messages.has(e.detail)) messages.set(e.detail, 'src/scaffold/catalogue.ts');
  }
  return { messages, dynamic };
}

/** Source folders whose l10n.t messages the bundles must cover. */
export const L10N_SOURCES = ['src'];
