// Helpers the mocks' self-tests (tests/mocks/*.test.mjs) share.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs a mock standalone (`node <moduleUrl> ...args`), waits for its "listening on PORT" line, calls
 * fn(port) and stops the process (SIGTERM) however fn ends.
 */
export async function withStandalone(moduleUrl, args, fn) {
  const proc = spawn(process.execPath, [fileURLToPath(moduleUrl), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /^listening on (\d+)$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.once('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
    });
    return await fn(port);
  } finally {
    proc.kill('SIGTERM');
  }
}
