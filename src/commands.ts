// Every command id the extension contributes, in one place. test/unit/manifest.test.ts checks
// that package.json's contributes.commands lists exactly these.
export const COMMANDS = {
  runFile: 'concurrencyLab.runFile',
  showTrace: 'concurrencyLab.showTrace',
  openTrace: 'concurrencyLab.openTrace',
  exportTrace: 'concurrencyLab.exportTrace',
  stopRun: 'concurrencyLab.stopRun',
  newExample: 'concurrencyLab.newExample',
  newProcessExample: 'concurrencyLab.newProcessExample',
  newPoolExample: 'concurrencyLab.newPoolExample',
  newQueueExample: 'concurrencyLab.newQueueExample',
  newPipeExample: 'concurrencyLab.newPipeExample',
  newSharedStateExample: 'concurrencyLab.newSharedStateExample',
  tryExample: 'concurrencyLab.tryExample',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
