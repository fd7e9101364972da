// The translation table: which feature works for which client → upstream pair, filled in by the
// e2e tests from their actual assertions and printed when the process exits.
//
//   import { record, check } from './lib/feature-table.mjs';
//   record('text', 'openai→anthropic', true);                  // one result
//   await check('usage', 'openai→anthropic', () => { ... });    // runs fn, records pass/fail, rethrows
//
// A cell passes when every result recorded for it passed; "—" when nothing was recorded. At exit the
// table goes to stdout; the process that owns the table file (ownTableFile(), called by the suite
// that runs every test of the table) also writes it to $LLMGW_TABLE_OUT, else build/translation-table.txt.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FEATURES = ['text', 'stream', 'tools', 'parallel tools', 'streamed arguments', 'images', 'system',
  'stop reasons', 'usage', 'cached tokens', 'errors'];
export const PAIRS = ['openai→openai', 'openai→anthropic', 'anthropic→openai', 'anthropic→anthropic'];

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cells = new Map(); // `${feature}\t${pair}` → { pass, fail, notes: [] }
let owner = false;
let printed = false;

const key = (feature, pair) => `${feature}\t${pair}`;

/** Records one result for a cell. Unknown features or pairs are added as new rows / columns. */
export function record(feature, pair, ok, note) {
  if (!FEATURES.includes(feature)) FEATURES.push(feature);
  if (!PAIRS.includes(pair)) PAIRS.push(pair);
  const c = cells.get(key(feature, pair)) ?? { pass: 0, fail: 0, notes: [] };
  if (ok) c.pass++;
  else {
    c.fail++;
    if (note) c.notes.push(String(note).split('\n')[0].slice(0, 160));
  }
  cells.set(key(feature, pair), c);
}

const recordedErrors = new WeakSet(); // errors a check() already put in the table

/** Runs fn; records a pass if it resolves, a fail (with the error's first line) if it throws, and rethrows. */
export async function check(feature, pair, fn) {
  try {
    const v = await fn();
    record(feature, pair, true);
    return v;
  } catch (e) {
    record(feature, pair, false, e?.message ?? e);
    if (e !== null && typeof e === 'object') recordedErrors.add(e);
    throw e;
  }
}

/** Throws an AssertionError for failures that step() calls already recorded (checks() adds nothing). */
export function failRecorded(message) {
  const e = new assert.AssertionError({ message });
  recordedErrors.add(e);
  throw e;
}

/**
 * Runs fn(step) where step(feature, fn) records into `pair`; a feature of `features` that fn never
 * reached (an earlier step threw) is recorded as failed, so no cell is left silently blank. An error
 * thrown outside any step after every feature was reached fails the last feature reached.
 */
export async function checks(pair, features, fn) {
  const reached = [];
  const step = (feature, f) => {
    if (!reached.includes(feature)) reached.push(feature);
    return check(feature, pair, f);
  };
  let error;
  try {
    return await fn(step);
  } catch (e) {
    error = e;
    throw e;
  } finally {
    const note = `not reached: ${error?.message ?? 'the test ended before this check'}`;
    const missing = features.filter((f) => !reached.includes(f));
    for (const f of missing) record(f, pair, false, note);
    const unrecorded = error !== undefined && !(error !== null && typeof error === 'object' && recordedErrors.has(error));
    if (unrecorded && missing.length === 0 && reached.length) record(reached.at(-1), pair, false, error?.message ?? error);
  }
}

/** The cell's text: pass, FAIL or — (not exercised). */
export function cell(feature, pair) {
  const c = cells.get(key(feature, pair));
  if (!c) return '—';
  return c.fail ? 'FAIL' : 'pass';
}

/** The table as aligned text, then one line per failed cell. */
export function renderTable() {
  const head = ['feature', ...PAIRS];
  const rows = FEATURES.map((f) => [f, ...PAIRS.map((p) => cell(f, p))]);
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]].length)));
  const pad = (s, w) => s + ' '.repeat(w - [...s].length);
  const line = (r) => `| ${r.map((s, i) => pad(s, widths[i])).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const failures = [];
  for (const f of FEATURES) {
    for (const p of PAIRS) {
      const c = cells.get(key(f, p));
      if (!c?.fail) continue;
      failures.push(`  FAIL ${f} / ${p}: ${c.fail} of ${c.pass + c.fail} checks failed`);
      for (const n of [...new Set(c.notes)].slice(0, 3)) failures.push(`       - ${n}`);
    }
  }
  const counts = [...cells.values()];
  const summary = `cells: ${counts.filter((c) => !c.fail).length} pass, ${counts.filter((c) => c.fail).length} fail, ` +
    `${FEATURES.length * PAIRS.length - counts.length} not exercised`;
  return [out.join('\n'), summary, ...failures].join('\n');
}

/** This process writes the table file at exit (the suite that runs every test of the table calls it). */
export function ownTableFile() { owner = true; }

export function tableFile() {
  return process.env.LLMGW_TABLE_OUT ? path.resolve(process.env.LLMGW_TABLE_OUT) : path.join(REPO_ROOT, 'build', 'translation-table.txt');
}

/** Prints the table (once) and, when this process owns it, writes the file. Called at exit. */
export function printTable() {
  if (printed || cells.size === 0) return;
  printed = true;
  const text = `\nllmgw translation table (client → upstream)\n${renderTable()}\n`;
  process.stdout.write(text);
  if (owner) {
    try {
      fs.mkdirSync(path.dirname(tableFile()), { recursive: true });
      fs.writeFileSync(tableFile(), text.trimStart());
      process.stdout.write(`(written to ${tableFile()})\n`);
    } catch (e) {
      process.stdout.write(`(could not write ${tableFile()}: ${e.message})\n`);
    }
  }
}

process.on('exit', printTable);
