// The spend ledger's write cost per row (store::LedgerStore::insert, what the ledger writer thread
// runs per batch), without the gateway: a fresh SQLite file migrated to the current schema, one
// key (in one team) whose spend every row raises, rows shaped as the gateway writes them (random
// 128-bit request ids, one key hash, alias, deployment, provider, token counts, a cost), inserted
// in batches as the writer does. Prints rows, batches and the time per row.
//
//   bench_ledger_insert [--rows N] [--batch N] [--dir PATH] [--preload N] [--ordered-ids]
//
// --preload N inserts N rows first (outside any measurement window: a ledger already holding
// rows). For instruction counts run it under callgrind with collection limited to the inserts:
//   valgrind --tool=callgrind --toggle-collect='llmgw::store::LedgerStore::insert*'
//     build/bin/bench_ledger_insert --rows 20000   (one command line)
// and divide the total by the rows (tests/bench/ledger.sh does it).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "store/database.hpp"
#include "store/ledger_store.hpp"
#include "store/migrations.hpp"

namespace {

using namespace llmgw::store;

bool g_ordered_ids = false;  // --ordered-ids: ids that start with the time (the gateway's since gov16)

std::string request_id(std::mt19937_64& rng, std::int64_t now_ms) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req_";
  // As frontends/request_id: 12 hex digits of unix ms, then 20 random; or 32 random digits, as
  // the gateway made them before gov16.
  const int random_digits = g_ordered_ids ? 20 : 32;
  if (g_ordered_ids)
    for (int i = 44; i >= 0; i -= 4) id.push_back(kHex[(now_ms >> i) & 15]);
  std::uint64_t v = rng();
  for (int i = 0; i < random_digits; ++i, v >>= 4) {
    if (i == 16) v = rng();
    id.push_back(kHex[v & 15]);
  }
  return id;
}

const std::string kKeyHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kTeam = "team-bench";

LedgerRow row(std::mt19937_64& rng, std::int64_t now_ms) {
  LedgerRow r;
  r.request_id = request_id(rng, now_ms);
  r.key_hash = kKeyHash;
  r.team_id = kTeam;
  r.alias = "gpt-4o-mini";
  r.deployment = "openai-gpt-4o-mini";
  r.provider = "openai";
  r.input_tokens = 120 + static_cast<std::int64_t>(rng() % 900);
  r.output_tokens = 40 + static_cast<std::int64_t>(rng() % 400);
  r.cost_nano_usd = 1500 + static_cast<std::int64_t>(rng() % 100000);
  r.latency_ms = 3 + static_cast<std::int64_t>(rng() % 50);
  r.status = 200;
  r.created_at = now_ms;
  return r;
}

std::int64_t insert_rows(LedgerStore& store, std::mt19937_64& rng, std::int64_t count, std::int64_t batch,
                         std::int64_t& now_ms) {
  std::vector<LedgerRow> rows;
  std::int64_t batches = 0;
  for (std::int64_t done = 0; done < count;) {
    rows.clear();
    for (; done < count && static_cast<std::int64_t>(rows.size()) < batch; ++done) rows.push_back(row(rng, ++now_ms));
    SpendStamps stamps;
    store.insert(rows, &stamps);
    ++batches;
  }
  return batches;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t rows = 20000, batch = 256, preload = 0;
  std::filesystem::path dir;
  for (int i = 1; i < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--ordered-ids") {
      g_ordered_ids = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_ledger_insert: %s needs a value\n", a.c_str());
      return 2;
    }
    if (a == "--rows") rows = std::atoll(argv[i + 1]);
    else if (a == "--batch") batch = std::atoll(argv[i + 1]);
    else if (a == "--preload") preload = std::atoll(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
    else {
      std::fprintf(stderr, "bench_ledger_insert: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (rows <= 0 || batch <= 0 || preload < 0) {
    std::fprintf(stderr, "bench_ledger_insert: --rows and --batch must be positive\n");
    return 2;
  }
  const bool own_dir = dir.empty();
  if (own_dir) {
    dir = std::filesystem::temp_directory_path() / ("llmgw-ledger-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  const std::filesystem::path file = dir / "ledger.db";
  std::filesystem::remove(file);
  try {
    Database db("sqlite://" + file.string());
    Poco::Data::Session session = db.open();
    migrate(session, Dialect::sqlite);
    const std::int64_t start_ms = 1'765'000'000'000;
    execute(session, "INSERT INTO teams (team_id, created_at, updated_at) VALUES ('" + kTeam + "', 1, 1)");
    execute(session, "INSERT INTO keys (key_hash, team_id, created_at, updated_at) VALUES ('" + kKeyHash + "', '" +
                         kTeam + "', 1, 1)");
    std::mt19937_64 rng(42);
    std::int64_t now_ms = start_ms;
    {
      LedgerStore store(session, Dialect::sqlite);
      if (preload > 0) insert_rows(store, rng, preload, batch, now_ms);
      const auto t0 = std::chrono::steady_clock::now();
      const std::int64_t batches = insert_rows(store, rng, rows, batch, now_ms);
      const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      LedgerStore check(session, Dialect::sqlite);
      const std::int64_t stored = check.count();
      std::printf("rows %lld (after %lld preloaded) in %lld batches of <= %lld: %.2f us/row wall, %lld rows stored\n",
                  static_cast<long long>(rows), static_cast<long long>(preload), static_cast<long long>(batches),
                  static_cast<long long>(batch), us / static_cast<double>(rows), static_cast<long long>(stored));
      if (stored != rows + preload) {
        std::fprintf(stderr, "bench_ledger_insert: %lld rows stored, %lld expected\n", static_cast<long long>(stored),
                     static_cast<long long>(rows + preload));
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ledger_insert: %s\n", e.what());
    return 1;
  }
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
