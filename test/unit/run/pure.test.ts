// The pure parts of src/run: live process counting (status bar), the CodeLens's import finder,
// and settings -> runner options.
import * as assert from 'assert';
import { findPythonConcurrencyLine, findRuntimeImportLine } from '../../../src/run/importLine';
import { LiveProcessCounter } from '../../../src/run/liveCount';
import { toRunSettings } from '../../../src/run/runSettings';
import type { TraceEvent } from '../../../src/trace/events';

const start = (pid: number, ppid = 1): TraceEvent => ({ kind: 'process.start', ts: pid, pid, ppid, name: `p${pid}` });
const exit = (pid: number): TraceEvent => ({ kind: 'process.exit', ts: pid, pid, exitCode: 0, signal: null });

describe('LiveProcessCounter', () => {
  it('counts started processes until they exit', () => {
    const c = new LiveProcessCounter();
    assert.strictEqual(c.add([start(10), start(11), start(12)]), 3);
    assert.strictEqual(c.add([exit(11)]), 2);
    assert.strictEqual(c.count, 2);
  });
  it('does not count a process whose exit arrived before its start', () => {
    const c = new LiveProcessCounter();
    c.add([exit(20)]);
    assert.strictEqual(c.add([start(20)]), 0);
  });
  it('is zero once the run ended', () => {
    const c = new LiveProcessCounter();
    c.add([start(1), start(2)]);
    assert.strictEqual(c.add([{ kind: 'run.end', ts: 9, pid: 1, exitCode: 0, signal: null, reason: 'exit' }]), 0);
  });
});

describe('findRuntimeImportLine', () => {
  it('finds ESM, dynamic and CommonJS imports of concurrency-lab', () => {
    assert.strictEqual(findRuntimeImportLine("// hi\nimport { Pool } from 'concurrency-lab';\n"), 1);
    assert.strictEqual(findRuntimeImportLine('const x = 1;\nconst { Pool } = require("concurrency-lab");'), 1);
    assert.strictEqual(findRuntimeImportLine("await import('concurrency-lab')"), 0);
    assert.strictEqual(findRuntimeImportLine("import {\n  Pool,\n} from 'concurrency-lab';"), 2);
  });
  it('ignores other modules and mentions in prose', () => {
    assert.strictEqual(findRuntimeImportLine("import x from 'concurrency-lab-extra';\n// uses concurrency-lab"), -1);
    assert.strictEqual(findRuntimeImportLine("import fs from 'fs';"), -1);
  });
});

describe('findPythonConcurrencyLine', () => {
  it('finds the first import of multiprocessing, threading or concurrent.futures', () => {
    assert.strictEqual(findPythonConcurrencyLine('import os\nimport multiprocessing\n'), 1);
    assert.strictEqual(findPythonConcurrencyLine('# x\nfrom multiprocessing import Process, Queue\n'), 1);
    assert.strictEqual(findPythonConcurrencyLine('from multiprocessing.pool import ThreadPool'), 0);
    assert.strictEqual(findPythonConcurrencyLine('import threading, os'), 0);
    assert.strictEqual(findPythonConcurrencyLine('from concurrent.futures import ProcessPoolExecutor'), 0);
  });
  it('ignores other modules, lookalikes and comments', () => {
    assert.strictEqual(findPythonConcurrencyLine('import multiprocessing_utils\n# import multiprocessing\nimport os'), -1);
  });
});

describe('toRunSettings', () => {
  it('maps set values and converts seconds to milliseconds', () => {
    assert.deepStrictEqual(toRunSettings({ nodePath: ' /usr/bin/node ', execArgv: ['--trace-warnings', '', 3], maxProcesses: 8, timeoutSeconds: 2.5 }), {
      nodePath: '/usr/bin/node',
      execArgv: ['--trace-warnings'],
      maxProcesses: 8,
      timeoutMs: 2500,
    });
  });
  it('passes the Python interpreter setting through, trimmed', () => {
    assert.deepStrictEqual(toRunSettings({ pythonPath: ' /opt/py/bin/python3 ' }), { pythonPath: '/opt/py/bin/python3' });
  });
  it('drops defaults and invalid values', () => {
    assert.deepStrictEqual(toRunSettings({ nodePath: '', execArgv: [], maxProcesses: 0, timeoutSeconds: 0, pythonPath: ' ' }), {});
    assert.deepStrictEqual(toRunSettings({ maxProcesses: 2.5, timeoutSeconds: -1 }), {});
  });
});
