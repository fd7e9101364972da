#include "admin/ledger_metrics.hpp"

#include <cstdio>

namespace llmgw::admin {
namespace {

void head(std::string& out, const char* name, const char* type, const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ");
  out.append(type).push_back('\n');
}

void value(std::string& out, const char* name, const char* labels, std::uint64_t v) {
  out.append(name).append(labels).append(" ").append(std::to_string(v)).push_back('\n');
}

void metric(std::string& out, const char* name, const char* type, const char* help, std::uint64_t v) {
  head(out, name, type, help);
  value(out, name, "", v);
}

}  // namespace

void render_ledger_metrics(const store::LedgerWriter& writer, std::string& out) {
  const store::LedgerWriterStats s = writer.stats();
  metric(out, "llmgw_ledger_rows_queued_total", "counter", "Spend ledger rows handed to the writer.", s.queued);
  metric(out, "llmgw_ledger_rows_written_total", "counter",
         "Spend ledger rows inserted in the database (spool replays included).", s.written);
  metric(out, "llmgw_ledger_rows_duplicate_total", "counter",
         "Spend ledger rows the database already had (not written twice).", s.duplicates);
  metric(out, "llmgw_ledger_rows_spooled_total", "counter",
         "Spend ledger rows appended to the on-disk spool while the database failed.", s.spooled);
  metric(out, "llmgw_ledger_rows_replayed_total", "counter", "Spend ledger rows replayed from the spool.", s.replayed);
  head(out, "llmgw_ledger_rows_dropped_total", "counter",
       "Spend ledger rows lost: the writer's queue or the spool was full.");
  value(out, "llmgw_ledger_rows_dropped_total", "{reason=\"queue_full\"}", s.dropped);
  value(out, "llmgw_ledger_rows_dropped_total", "{reason=\"spool_full\"}", s.spool_dropped);
  metric(out, "llmgw_ledger_write_failures_total", "counter", "Failed attempts to write to the database.",
         s.db_failures);
  metric(out, "llmgw_ledger_database_up", "gauge", "0 while the last attempt on the database failed.",
         writer.database_down() ? 0 : 1);
  metric(out, "llmgw_ledger_spool_rows", "gauge", "Spend ledger rows in the spool, waiting for the database.",
         s.spool_rows);
  metric(out, "llmgw_ledger_spool_bytes", "gauge", "Size of the spool file in bytes.", s.spool_bytes);

  const char* h = "llmgw_ledger_batch_duration_seconds";
  head(out, h, "histogram", "Time to write one batch of ledger rows to the database (or to the spool when it failed).");
  std::uint64_t cumulative = 0;
  char line[160];
  for (std::size_t b = 0; b < s.batch_buckets.size(); ++b) {
    cumulative += s.batch_buckets[b];
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", h, store::kLedgerBatchBounds[b],
                  static_cast<unsigned long long>(cumulative));
    out.append(line);
  }
  // Counts are read one by one: +Inf and _count are never below the buckets' sum.
  const std::uint64_t count = s.batches > cumulative ? s.batches : cumulative;
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", h,
                static_cast<unsigned long long>(count), h, static_cast<double>(s.batch_us) / 1e6, h,
                static_cast<unsigned long long>(count));
  out.append(line);
}

}  // namespace llmgw::admin
