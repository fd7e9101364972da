// A file a sink appends JSON lines to (sink-request-log), read by tests: the sink writes off the
// request path, so the lines are awaited.
import assert from 'node:assert/strict';
import fs from 'node:fs';

/** The parsed lines of `file` once it holds at least `n` (fails after `ms`). */
export async function jsonLines(file, n, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    const list = text ? text.split('\n').map((l) => JSON.parse(l)) : [];
    if (list.length >= n) return list;
    if (Date.now() > end) assert.fail(`${list.length} of ${n} events in ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
