// The scaffold commands of issue #6: concurrencyLab.newExample (every example) and one command
// per family (process, pool, queue, pipe, shared state), plus concurrencyLab.tryExample for the walkthrough
// (scaffold, run, show the trace). Each accepts `{ example?, language? }` to skip its questions,
// writes a real file, opens it and resolves with its URI.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { EXAMPLES, exampleInfo, isExampleId, isLanguage, type ExampleId, type ExampleInfo, type Family, type Language } from './catalogue';
import { writeExample, writeExamplesConfig } from './write';

export interface ScaffoldArgs {
  example?: string;
  language?: string;
}

/** Context key set once an example was tried from the walkthrough (its step's completion event). */
export function triedContextKey(id: ExampleId): string {
  return `concurrencyLab.tried.${id.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}`;
}

export function registerScaffold(context: vscode.ExtensionContext): void {
  const scaffold = (family: Family | undefined) => (arg?: unknown) => scaffoldExample(context, family, arg);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.newExample, scaffold(undefined)),
    vscode.commands.registerCommand(COMMANDS.newProcessExample, scaffold('process')),
    vscode.commands.registerCommand(COMMANDS.newPoolExample, scaffold('pool')),
    vscode.commands.registerCommand(COMMANDS.newQueueExample, scaffold('queue')),
    vscode.commands.registerCommand(COMMANDS.newPipeExample, scaffold('pipe')),
    vscode.commands.registerCommand(COMMANDS.newSharedStateExample, scaffold('shared')),
    vscode.commands.registerCommand(COMMANDS.tryExample, (arg?: unknown) => tryExample(context, arg)),
  );
}

/** Normalises the optional argument; a bare string is taken as an example id (walkthrough links). */
function readArgs(arg: unknown): ScaffoldArgs {
  if (typeof arg === 'string') return { example: arg };
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
    const a = arg as Record<string, unknown>;
    return {
      example: typeof a.example === 'string' ? a.example : undefined,
      language: typeof a.language === 'string' ? a.language : undefined,
    };
  }
  return {};
}

async function scaffoldExample(context: vscode.ExtensionContext, family: Family | undefined, arg: unknown): Promise<vscode.Uri | undefined> {
  const args = readArgs(arg);
  const choices = EXAMPLES.filter((e) => family === undefined || e.family === family);

  let id: ExampleId | undefined;
  if (args.example !== undefined) {
    if (!isExampleId(args.example) || !choices.some((e) => e.id === args.example)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Unknown example "{0}". Choose one of: {1}.', args.example, choices.map((e) => e.id).join(', ')),
      );
      return undefined;
    }
    id = args.example;
  } else {
    id = choices.length === 1 ? choices[0]?.id : await pickExample(choices);
  }
  if (!id) return undefined;

  let language: Language | undefined;
  if (args.language !== undefined) {
    if (!isLanguage(args.language)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Unknown language "{0}". Use "javascript", "typescript" or "python".', args.language));
      return undefined;
    }
    language = args.language;
  } else {
    language = await pickLanguage();
  }
  if (!language) return undefined;

  let uri: vscode.Uri;
  try {
    uri = await writeExample(context, id, language);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not create the example: {0}', reason ?? ''));
    return undefined;
  }
  try {
    // Editor types for 'concurrency-lab' (a Python example needs none).
    if (language !== 'python') await writeExamplesConfig(context, vscode.Uri.joinPath(uri, '..'));
  } catch (err) {
    // The example runs without it; only the editor's types for 'concurrency-lab' are missing.
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    void vscode.window.showWarningMessage(vscode.l10n.t('The example was created, but its editor types could not be set up: {0}', reason ?? ''));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

async function pickExample(choices: readonly ExampleInfo[]): Promise<ExampleId | undefined> {
  const items = choices.map((e) => ({ label: vscode.l10n.t(e.title), detail: vscode.l10n.t(e.detail), description: e.id, id: e.id }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('New Concurrency Lab Example'),
    placeHolder: vscode.l10n.t('Which example?'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.id;
}

async function pickLanguage(): Promise<Language | undefined> {
  const items: (vscode.QuickPickItem & { language: Language })[] = [
    { label: 'JavaScript', description: '.mjs', language: 'javascript' },
    { label: 'TypeScript', description: '.mts', language: 'typescript' },
    { label: 'Python', description: vscode.l10n.t('.py — multiprocessing itself'), language: 'python' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('New Concurrency Lab Example'),
    placeHolder: vscode.l10n.t('JavaScript, TypeScript or Python?'),
  });
  return picked?.language;
}

/**
 * The walkthrough's buttons: scaffold an example (JavaScript unless told otherwise), run it and
 * show its trace. Scaffolding works in Restricted Mode; the run command refuses there, and says why.
 */
async function tryExample(context: vscode.ExtensionContext, arg: unknown): Promise<{ uri: vscode.Uri; summary: unknown } | undefined> {
  const args = readArgs(arg);
  if (!isExampleId(args.example)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Unknown example "{0}". Choose one of: {1}.', String(args.example), EXAMPLES.map((e) => e.id).join(', ')));
    return undefined;
  }
  const uri = await scaffoldExample(context, exampleInfo(args.example).family, { example: args.example, language: args.language ?? 'javascript' });
  if (!uri) return undefined;
  void vscode.commands.executeCommand('setContext', triedContextKey(args.example), true);
  const summary = await vscode.commands.executeCommand(COMMANDS.runFile, uri);
  return { uri, summary };
}
