#include "store/sqlite_ledger_insert.hpp"

#include <sqlite3.h>

#include <cstring>

#include "store/store_error.hpp"

namespace llmgw::store {

namespace {

constexpr int kColumnsPerRow = 16;

}  // namespace

SqliteLedgerInsert::SqliteLedgerInsert(sqlite3* db, std::string columns) : db_(db), columns_(std::move(columns)) {
  if (!db_) throw StoreError("ledger insert: no SQLite connection");
}

SqliteLedgerInsert::~SqliteLedgerInsert() {
  for (sqlite3_stmt* st : st_) sqlite3_finalize(st);
}

void SqliteLedgerInsert::fail(const char* what) const {
  throw StoreError(std::string("ledger insert (") + what + "): " + sqlite3_errmsg(db_));
}

sqlite3_stmt* SqliteLedgerInsert::statement(std::size_t shape) {
  if (st_[shape]) return st_[shape];
  std::string text = "INSERT INTO spend_ledger (" + columns_ + ") VALUES ";
  for (std::size_t r = 0; r < kChunks[shape]; ++r) {
    text += r ? ",(" : "(";
    for (int c = 0; c < kColumnsPerRow; ++c) text += c ? ",?" : "?";
    text += ')';
  }
  text += " ON CONFLICT (request_id) DO NOTHING RETURNING request_id";
  if (sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT, &st_[shape],
                         nullptr) != SQLITE_OK)
    fail("prepare");
  return st_[shape];
}

std::size_t SqliteLedgerInsert::run(sqlite3_stmt* st, const LedgerRow* rows, std::size_t n, char* inserted) {
  int i = 0;
  const auto text = [&](const std::string& s) {
    if (sqlite3_bind_text(st, ++i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC) != SQLITE_OK) fail("bind");
  };
  const auto integer = [&](std::int64_t v) {
    if (sqlite3_bind_int64(st, ++i, v) != SQLITE_OK) fail("bind");
  };
  for (std::size_t k = 0; k < n; ++k) {
    const LedgerRow& r = rows[k];
    text(r.request_id);
    text(r.key_hash);
    text(r.team_id);
    text(r.alias);
    text(r.deployment);
    text(r.provider);
    integer(r.input_tokens);
    integer(r.output_tokens);
    integer(r.cached_read_tokens);
    integer(r.cache_write_tokens);
    integer(r.reasoning_tokens);
    integer(r.cost_nano_usd);
    integer(r.latency_ms);
    integer(r.ttft_ms);
    integer(r.status);
    integer(r.created_at);
  }
  // One returned request_id per row inserted (SQLite makes every change on the first step and
  // then hands the ids out, in no promised order). Each marks the first row not yet marked with
  // that id: the one stored, as rows go in in order. Tried first: the row after the last one
  // found (in practice, the one).
  const auto is = [&](std::size_t k, const char* id, std::size_t len) {
    const std::string& want = rows[k].request_id;
    return !inserted[k] && want.size() == len && std::memcmp(want.data(), id, len) == 0;
  };
  std::size_t count = 0, next = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st, 0));
    std::size_t k = next;
    if (k >= n || !is(k, id, len)) {
      for (k = 0; k < n && !is(k, id, len); ++k) {
      }
    }
    if (k == n) {
      sqlite3_reset(st);
      throw StoreError("ledger insert: SQLite returned a request_id that was not in the statement");
    }
    inserted[k] = 1;
    ++count;
    next = k + 1;
  }
  if (rc != SQLITE_DONE) {
    sqlite3_reset(st);
    fail("step");
  }
  sqlite3_reset(st);  // (the bound views are not read after this)
  sqlite3_clear_bindings(st);
  return count;
}

std::size_t SqliteLedgerInsert::insert(const std::vector<LedgerRow>& rows, std::vector<char>& inserted) {
  inserted.assign(rows.size(), 0);
  std::size_t count = 0, at = 0;
  for (std::size_t shape = 0; shape < kChunks.size(); ++shape) {
    const std::size_t n = kChunks[shape];
    while (rows.size() - at >= n) {
      count += run(statement(shape), rows.data() + at, n, inserted.data() + at);
      at += n;
    }
  }
  return count;
}

}  // namespace llmgw::store
