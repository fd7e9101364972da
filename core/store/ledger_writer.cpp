#include "store/ledger_writer.hpp"

#include <boost/lockfree/queue.hpp>

#include <algorithm>

#include "store/ledger_store.hpp"
#include "store/migrations.hpp"
#include "store/store_error.hpp"

namespace llmgw::store {

// Rows travel as pointers: boost::lockfree::queue holds trivially copyable values only.
struct LedgerWriter::Queue {
  explicit Queue(std::size_t capacity) : q(capacity) {}
  boost::lockfree::queue<LedgerRow*, boost::lockfree::fixed_sized<true>> q;
};

LedgerWriter::LedgerWriter(const Database& db, LedgerWriterOptions options)
    : db_(db),
      opt_(std::move(options)),
      queue_(std::make_unique<Queue>(std::clamp<std::size_t>(opt_.queue_capacity, 1, 65534))),
      spool_(opt_.spool_path, opt_.spool_max_bytes) {
  if (opt_.spool_path.empty()) throw StoreError("the ledger writer needs a spool path");
  if (opt_.batch_size == 0) opt_.batch_size = 1;
  thread_ = std::thread([this] { run(); });
}

LedgerWriter::~LedgerWriter() { stop(); }

bool LedgerWriter::try_push(LedgerRow row) {
  if (stopping_.load(std::memory_order_relaxed)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  auto* p = new LedgerRow(std::move(row));
  if (!queue_->q.bounded_push(p)) {
    delete p;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  queued_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool LedgerWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::uint64_t ticket = ++flush_requested_;
  wake_.notify_one();
  return flushed_.wait_for(lock, timeout, [&] { return flush_done_ >= ticket || !thread_.joinable(); });
}

void LedgerWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

LedgerWriterStats LedgerWriter::stats() const {
  LedgerWriterStats s;
  s.queued = queued_.load();
  s.dropped = dropped_.load();
  s.written = written_.load();
  s.duplicates = duplicates_.load();
  s.spooled = spooled_.load();
  s.spool_dropped = spool_dropped_.load();
  s.replayed = replayed_.load();
  s.db_failures = db_failures_.load();
  s.spool_rows = spool_rows_.load();
  s.spool_bytes = spool_bytes_.load();
  for (std::size_t b = 0; b < s.batch_buckets.size(); ++b) s.batch_buckets[b] = batch_buckets_[b].load();
  s.batches = batches_.load();
  s.batch_us = batch_us_.load();
  return s;
}

void LedgerWriter::note_spool(std::uint64_t rows) {
  spool_rows_.store(rows, std::memory_order_relaxed);
  spool_bytes_.store(spool_.size(), std::memory_order_relaxed);
}

void LedgerWriter::time_batch(std::chrono::steady_clock::time_point started) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  const double seconds = static_cast<double>(us.count()) / 1e6;
  std::size_t b = 0;
  while (b < kLedgerBatchBounds.size() && seconds > kLedgerBatchBounds[b]) ++b;
  if (b < kLedgerBatchBounds.size()) batch_buckets_[b].fetch_add(1, std::memory_order_relaxed);
  batch_us_.fetch_add(static_cast<std::uint64_t>(us.count()), std::memory_order_relaxed);
  batches_.fetch_add(1, std::memory_order_relaxed);
}

void LedgerWriter::run() {
  // A spool left by an earlier run: its rows count as waiting until replayed.
  note_spool(spool_.count_rows());
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, opt_.flush_interval,
                     [&] { return stopping_.load() || flush_requested_ > flush_done_; });
    }
    const bool last = stopping_.load();
    cycle();
    if (last) break;
  }
  // Rows pushed after the last drain (a race with stop) are dropped, and counted.
  LedgerRow* p = nullptr;
  while (queue_->q.pop(p)) {
    delete p;
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  ledger_.reset();  // (its statement before the session's connection)
  session_.reset();
  std::lock_guard lock(mu_);
  flush_done_ = flush_requested_;
  flushed_.notify_all();
}

void LedgerWriter::cycle() {
  std::uint64_t ticket;
  {
    std::lock_guard lock(mu_);
    ticket = flush_requested_;
  }
  // The live queue first, a batch at a time; between batches, slices of the spool while the
  // database answers (not when stopping: the spool waits for the next start).
  std::vector<LedgerRow> batch;
  batch.reserve(opt_.batch_size);
  for (;;) {
    LedgerRow* p = nullptr;
    while (batch.size() < opt_.batch_size && queue_->q.pop(p)) {
      batch.push_back(std::move(*p));
      delete p;
    }
    if (!batch.empty()) {
      const bool full = batch.size() == opt_.batch_size;
      write_batch(batch);
      batch.clear();
      // A full batch: more may wait. A partial one emptied the queue: rows that arrive while it
      // is written wait for the next wake (flush_interval, the bound they had before) and go in
      // one batch, not in a trickle of small ones each paying a transaction's fixed cost (begin,
      // the spend UPDATEs, commit: ~200k instructions; at 5,000 rows a second the trickle made
      // batches of ~7 rows, ~70k instructions a row). Stopping drains everything.
      if (full || stopping_.load()) continue;
    }
    if (spool_pending_ && !stopping_.load() && try_database()) {
      replay_spool();
      if (spool_pending_ && session_) continue;
    }
    break;
  }
  std::lock_guard lock(mu_);
  flush_done_ = std::max(flush_done_, ticket);
  flushed_.notify_all();
}

bool LedgerWriter::try_database() {
  if (session_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (db_down_.load() && now < next_retry_) return false;
  try {
    Poco::Data::Session s = db_.open();
    migrate(s, db_.dialect());
    session_.emplace(std::move(s));
    ledger_.emplace(*session_, db_.dialect());
    return true;
  } catch (const std::exception&) {
    failed();
    return false;
  }
}

void LedgerWriter::write_batch(std::vector<LedgerRow>& batch) {
  const auto started = std::chrono::steady_clock::now();
  struct Timed {
    LedgerWriter* w;
    std::chrono::steady_clock::time_point t;
    ~Timed() { w->time_batch(t); }
  } timed{this, started};
  if (try_database()) {
    try {
      SpendStamps stamps;
      const std::size_t inserted = ledger_->insert(batch, opt_.on_written ? &stamps : nullptr);
      if (opt_.on_written) opt_.on_written(batch, stamps);
      written_.fetch_add(inserted, std::memory_order_relaxed);
      duplicates_.fetch_add(batch.size() - inserted, std::memory_order_relaxed);
      db_down_.store(false);
      backoff_ = std::chrono::milliseconds(0);
      return;
    } catch (const std::exception&) {
      // A broken session is dropped; the next attempt opens a new one.
      ledger_.reset();
      db_.retire(std::move(*session_));
      session_.reset();
      failed();
    }
  }
  spool(batch);
}

void LedgerWriter::spool(const std::vector<LedgerRow>& rows) {
  std::size_t taken = 0;
  try {
    taken = spool_.append(rows);
  } catch (const StoreError&) {
    taken = 0;
  }
  spooled_.fetch_add(taken, std::memory_order_relaxed);
  spool_dropped_.fetch_add(rows.size() - taken, std::memory_order_relaxed);
  if (taken > 0) spool_pending_ = true;
  note_spool(spool_rows_.load(std::memory_order_relaxed) + taken);
}

void LedgerWriter::replay_spool() {
  if (spool_.empty()) {
    spool_pending_ = false;
    note_spool(0);
    return;
  }
  std::uint64_t handed = 0;  // rows of this slice that reached the database
  try {
    LedgerStore& ledger = *ledger_;
    // A slice per call (16 batches): the live queue is drained between slices.
    const auto progress = spool_.replay_some(
        [&](const std::vector<LedgerRow>& rows) {
          SpendStamps stamps;
          const std::size_t inserted = ledger.insert(rows, opt_.on_written ? &stamps : nullptr);
          if (opt_.on_written) opt_.on_written(rows, stamps);
          written_.fetch_add(inserted, std::memory_order_relaxed);
          duplicates_.fetch_add(rows.size() - inserted, std::memory_order_relaxed);
          replayed_.fetch_add(rows.size(), std::memory_order_relaxed);
          handed += rows.size();
        },
        opt_.batch_size, opt_.batch_size * 16);
    if (progress.done) spool_pending_ = false;
    const std::uint64_t waiting = spool_rows_.load(std::memory_order_relaxed);
    note_spool(progress.done ? 0 : waiting - std::min(waiting, handed));
    db_down_.store(false);
    backoff_ = std::chrono::milliseconds(0);
  } catch (const std::exception&) {
    const std::uint64_t waiting = spool_rows_.load(std::memory_order_relaxed);
    note_spool(waiting - std::min(waiting, handed));
    ledger_.reset();
    db_.retire(std::move(*session_));
    session_.reset();
    failed();
  }
}

void LedgerWriter::failed() {
  db_down_.store(true);
  db_failures_.fetch_add(1, std::memory_order_relaxed);
  backoff_ = backoff_.count() == 0 ? opt_.retry_interval : std::min(backoff_ * 2, opt_.max_retry_interval);
  // Counted from the failure: a slow failure (a connect timeout) is not retried at once.
  next_retry_ = std::chrono::steady_clock::now() + backoff_;
}

}  // namespace llmgw::store
