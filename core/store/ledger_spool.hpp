// The on-disk spool of ledger rows the database could not take: one file of JSON lines,
// appended a batch at a time (one write, then fdatasync, so a batch the writer counts as
// spooled is on disk), bounded in size (rows beyond the bound are dropped and counted), and
// replayed in chunks once the database is back. Replay is safe to repeat: the ledger ignores a
// request_id it already has, so a crash between a replay and the truncate writes nothing twice.
// Used by one thread (the ledger writer).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace llmgw::store {

class LedgerSpool {
 public:
  LedgerSpool(std::string path, std::uint64_t max_bytes);

  /// Appends the rows that fit under max_bytes, then fdatasync. Returns how many were written
  /// (the rest are dropped). Throws StoreError when the file cannot be written.
  std::size_t append(const std::vector<LedgerRow>& rows);

  /// Reads every row, `chunk` at a time, into `write` (which throws when the database fails:
  /// the file is then kept, the exception propagates, and the next call resumes at the chunk
  /// that failed). When every chunk was written the file is emptied. Lines that are not whole rows (a torn write) are skipped and counted.
  /// Returns the rows handed to `write`.
  std::size_t replay(const std::function<void(const std::vector<LedgerRow>&)>& write, std::size_t chunk);

  struct Progress {
    std::size_t handed = 0;  // rows given to `write`
    bool done = false;       // the whole file was replayed and emptied
  };
  /// The same, `max_rows` at most per call, from where the previous call stopped (kept in
  /// memory: after a restart it begins again at the top, which the ledger's request_id makes
  /// harmless). The writer interleaves this with the live queue, so a long spool never starves
  /// it.
  Progress replay_some(const std::function<void(const std::vector<LedgerRow>&)>& write, std::size_t chunk,
                       std::size_t max_rows);

  /// Bytes in the file (0: nothing spooled).
  std::uint64_t size() const;
  /// Rows (non-empty lines) in the file not yet replayed. Reads the file: for start-up.
  std::uint64_t count_rows() const;
  bool empty() const { return size() == 0; }
  std::uint64_t corrupt_lines() const { return corrupt_lines_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::uint64_t max_bytes_;
  std::uint64_t corrupt_lines_ = 0;
  std::uint64_t offset_ = 0;  // replay_some's position
};

}  // namespace llmgw::store
