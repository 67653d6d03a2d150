// Headless Debian Chromium through playwright-core (never `playwright install`: it downloads).
import * as fs from 'fs';
import { chromium, type Browser } from 'playwright-core';
import { HostError } from './install-host';
import { CHROMIUM } from './paths';

/** Flags that work as root in containers, and keep Chromium off the network and the disk. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** `env` should be the code-server session's childEnv: temp XDG dirs, HOME, ownership marker. */
export async function launchChromium(env: NodeJS.ProcessEnv): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new HostError(`Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\` (or set CONCURRENCY_LAB_CHROMIUM)`);
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env: clean });
}
