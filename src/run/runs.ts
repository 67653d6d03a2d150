// The live runs of this window: starts them through the runner, streams their output to the
// output channel, tracks their live process count and stops them (one, or all on deactivate).
import * as path from 'path';
import * as vscode from 'vscode';
import { startRun } from '../runner';
import type { RunHandle, RunResult } from '../runner/types';
import { LiveProcessCounter } from './liveCount';
import type { RunSettings } from './settings';

export interface LiveRun {
  readonly file: string;
  readonly handle: RunHandle;
  readonly counter: LiveProcessCounter;
}

export class RunManager implements vscode.Disposable {
  private readonly live = new Set<LiveRun>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a run starts or ends, or a live run's process count changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly output: vscode.OutputChannel) {}

  get runs(): readonly LiveRun[] {
    return [...this.live];
  }

  /** Live processes across every live run. */
  get liveProcesses(): number {
    let n = 0;
    for (const r of this.live) n += r.counter.count;
    return n;
  }

  /** Starts a run; throws only when the runner refuses to start (the caller turns that into a message). */
  async start(file: string, settings: RunSettings, cwd: string | undefined): Promise<LiveRun> {
    const name = path.basename(file);
    this.output.appendLine(vscode.l10n.t('▶ Running {0}', file));
    const handle = await Promise.resolve(
      startRun({
        file,
        cwd,
        ...settings,
        onOutput: (_stream, chunk) => this.output.append(chunk.toString('utf8')),
      }),
    );
    const run: LiveRun = { file, handle, counter: new LiveProcessCounter() };
    this.live.add(run);
    const unsubscribe = handle.onEvents((batch) => {
      const before = run.counter.count;
      if (run.counter.add(batch) !== before) this.changed.fire();
    });
    run.counter.add(handle.events);
    this.changed.fire();
    const finish = () => {
      unsubscribe();
      this.live.delete(run);
      this.changed.fire();
    };
    handle.done.then(
      (result) => {
        finish();
        // Errors the runner or runtime reported (a refused start, a Node that could not be spawned).
        for (const e of result.events) if (e.kind === 'error') this.output.appendLine(`⚠ ${e.message}`);
        this.output.appendLine(describeEnd(name, result));
      },
      (err: unknown) => {
        finish();
        this.output.appendLine(vscode.l10n.t('■ {0} failed: {1}', name, oneLine(err)));
      },
    );
    return run;
  }

  /** Stops every live run; resolves when none of their processes is alive. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((r) => r.handle.stop().catch(() => undefined)));
  }

  dispose(): void {
    void this.stopAll();
    this.changed.dispose();
  }
}

/** The last line a run writes to the output channel. */
export function describeEnd(name: string, result: RunResult): string {
  const s = result.summary;
  const n = s.processes.length;
  switch (s.reason) {
    case 'timeout':
      return vscode.l10n.t('■ {0} stopped: it ran longer than the timeout ({1} processes).', name, n);
    case 'stopped':
      return vscode.l10n.t('■ {0} stopped ({1} processes).', name, n);
    case 'deadlock':
      return vscode.l10n.t('■ {0} stopped: its processes were deadlocked ({1} processes).', name, n);
    case 'error':
      return vscode.l10n.t('■ {0} could not run (exit code {1}).', name, String(s.exitCode));
    default:
      return s.signal
        ? vscode.l10n.t('■ {0} was killed by {1} ({2} processes).', name, s.signal, n)
        : vscode.l10n.t('■ {0} exited with code {1} ({2} processes).', name, String(s.exitCode), n);
  }
}

/** First line of an error's message: users see what went wrong, never our stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() || String(err);
}
