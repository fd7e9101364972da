// The spend ledger's writer: the request path hands rows to try_push(), which never blocks (a
// lock-free bounded queue; a full queue drops the row and counts it). One thread takes rows in
// batches and writes them with LedgerStore::insert. When the database fails, the batch goes to
// the spool (store/ledger_spool.hpp) and the writer tries the database again every
// retry_interval; once it answers, the spool is replayed and emptied. Rows are written at most
// once (request_id is unique) and none is lost unless the queue or the spool is full (both
// counted). stop() (and the destructor) write or spool everything still queued.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/ledger_spool.hpp"
#include "store/ledger_store.hpp"
#include "store/records.hpp"

namespace llmgw::store {

struct LedgerWriterOptions {
  std::size_t queue_capacity = 16384;  // rows waiting for the writer; 1..65534
  std::size_t batch_size = 256;        // rows per transaction
  std::chrono::milliseconds flush_interval{100};   // the writer wakes at least this often
  /// Between attempts on a failed database: retry_interval, doubling after each failure up to
  /// max_retry_interval, back to retry_interval once it answers.
  std::chrono::milliseconds retry_interval{1000};
  std::chrono::milliseconds max_retry_interval{30000};
  std::string spool_path;                          // required
  std::uint64_t spool_max_bytes = 256ull << 20;
  /// Called on the writer thread with each batch once it is in the database (its costs are in
  /// the keys' and teams' stored spend, under `stamps`): the budget reservations stop counting
  /// them on top.
  std::function<void(const std::vector<LedgerRow>&, const SpendStamps& stamps)> on_written;
};

/// The upper bounds (seconds) of the batch duration histogram's buckets.
inline constexpr std::array<double, 12> kLedgerBatchBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,   0.1,   0.25,   0.5,   1,    5};

/// Counters, each only ever growing, and the spool's gauges.
struct LedgerWriterStats {
  std::uint64_t queued = 0;         // accepted by try_push
  std::uint64_t dropped = 0;        // refused by try_push: queue full (lost)
  std::uint64_t written = 0;        // rows inserted in the database (replays included)
  std::uint64_t duplicates = 0;     // rows the database already had (replays after a crash)
  std::uint64_t spooled = 0;        // rows appended to the spool
  std::uint64_t spool_dropped = 0;  // rows neither the database nor the spool took (lost)
  std::uint64_t replayed = 0;       // rows read back from the spool
  std::uint64_t db_failures = 0;    // failed attempts on the database
  // Gauges: what waits in the spool for the database (rows not yet replayed, and the file's bytes).
  std::uint64_t spool_rows = 0;
  std::uint64_t spool_bytes = 0;
  // Batches handed to the database (or, when it failed, to the spool): how long each took.
  std::array<std::uint64_t, kLedgerBatchBounds.size()> batch_buckets{};  // per bucket, not cumulative
  std::uint64_t batches = 0;
  std::uint64_t batch_us = 0;  // their total time, microseconds
};

class LedgerWriter {
 public:
  /// Starts the writer thread. The database is opened by that thread (never here).
  LedgerWriter(const Database& db, LedgerWriterOptions options);
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  /// Never blocks: false (and `dropped` + 1) when the queue is full or the writer stopped.
  bool try_push(LedgerRow row);

  /// Blocks until every row pushed before the call is in the database or the spool, or the
  /// timeout passes (false). For tests and shutdown, never the request path.
  bool flush(std::chrono::milliseconds timeout);

  /// Stops the thread after writing (or spooling) everything queued. Idempotent.
  void stop();

  LedgerWriterStats stats() const;
  /// Whether the last attempt on the database failed (rows are going to the spool).
  bool database_down() const { return db_down_.load(std::memory_order_relaxed); }

 private:
  struct Queue;
  void run();
  void cycle();
  void write_batch(std::vector<LedgerRow>& batch);
  bool try_database();
  void replay_spool();
  void spool(const std::vector<LedgerRow>& rows);

  const Database& db_;
  LedgerWriterOptions opt_;
  std::unique_ptr<Queue> queue_;
  LedgerSpool spool_;
  std::optional<Poco::Data::Session> session_;  // writer thread only
  std::optional<LedgerStore> ledger_;           // on session_, its prepared INSERT kept; reset first
  std::chrono::steady_clock::time_point next_retry_{};
  std::chrono::milliseconds backoff_{0};  // the current wait between attempts
  void failed();                          // marks the database down, schedules the next try
  bool spool_pending_ = true;  // a spool left by an earlier run is replayed first

  std::atomic<bool> stopping_{false};
  std::atomic<bool> db_down_{false};
  std::mutex mu_;
  std::condition_variable wake_, flushed_;
  std::uint64_t flush_requested_ = 0;  // under mu_
  std::uint64_t flush_done_ = 0;       // under mu_

  std::atomic<std::uint64_t> queued_{0}, dropped_{0}, written_{0}, duplicates_{0}, spooled_{0},
      spool_dropped_{0}, replayed_{0}, db_failures_{0};
  // Written by the writer thread only (after each spool append and replay), read by stats().
  std::atomic<std::uint64_t> spool_rows_{0}, spool_bytes_{0};
  void note_spool(std::uint64_t rows);  // the spool now holds `rows` rows not yet replayed
  std::array<std::atomic<std::uint64_t>, kLedgerBatchBounds.size()> batch_buckets_{};
  std::atomic<std::uint64_t> batches_{0}, batch_us_{0};
  void time_batch(std::chrono::steady_clock::time_point started);
  std::thread thread_;
};

}  // namespace llmgw::store
