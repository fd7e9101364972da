// The spend ledger writer's state on /metrics (store/ledger_writer's LedgerWriterStats), in
// Prometheus text format:
//   llmgw_ledger_rows_queued_total       rows handed to the writer by the request path
//   llmgw_ledger_rows_written_total      rows inserted in the database (spool replays included)
//   llmgw_ledger_rows_duplicate_total    rows the database already had (a replay after a crash)
//   llmgw_ledger_rows_spooled_total      rows appended to the on-disk spool (the database failed)
//   llmgw_ledger_rows_replayed_total     rows read back from the spool into the database
//   llmgw_ledger_rows_dropped_total{reason="queue_full"|"spool_full"}  rows lost
//   llmgw_ledger_write_failures_total    failed attempts on the database
//   llmgw_ledger_database_up             0 while rows go to the spool
//   llmgw_ledger_spool_rows, llmgw_ledger_spool_bytes  what waits in the spool
//   llmgw_ledger_batch_duration_seconds  histogram: one batch into the database (or the spool)
#pragma once

#include <string>

#include "store/ledger_writer.hpp"

namespace llmgw::admin {

/// Appends the writer's metrics to `out`.
void render_ledger_metrics(const store::LedgerWriter& writer, std::string& out);

}  // namespace llmgw::admin
