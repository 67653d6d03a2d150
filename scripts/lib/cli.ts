// Shared by the scripts' entry points: user-facing errors as one line, no stack traces.
import { HostError } from './install-host';

export async function runMain(name: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    if (err instanceof HostError) {
      console.error(`${name}: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
