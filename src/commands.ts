// Every command id the extension contributes, in one place. test/unit/manifest.test.ts checks
// that package.json's contributes.commands lists exactly these.
export const COMMANDS = {
  runFile: 'concurrencyLab.runFile',
  showTrace: 'concurrencyLab.showTrace',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
