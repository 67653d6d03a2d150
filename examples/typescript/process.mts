// Starting processes: Python's multiprocessing.Process, in Node.
// The parent prints its pid and starts 5 children; each child prints its name and pid.
import { Process, isMainProcess } from 'concurrency-lab';

// A target must be an exported top-level function: each child imports this file again and
// calls the function by name (Python's "spawn" start method).
export function runProc(name: string): void {
  console.log(`Child process ${name} ${process.pid} Running `);
}

// Runs only in the process you started, never in its children (Python's `if __name__ == '__main__':`).
if (isMainProcess()) {
  console.log(`Parent process ${process.pid} is Running`);
  const children: Process[] = [];
  for (let i = 0; i < 5; i++) {
    const p = new Process({ target: runProc, args: [String(i)] });
    console.log('process start');
    p.start();
    children.push(p);
  }
  // The seed calls p.join() once, after the loop: that waits for the LAST child only, and the
  // others may still be running when "Process close" prints. Join every child instead.
  for (const p of children) {
    await p.join();
  }
  console.log('Process close');
}
