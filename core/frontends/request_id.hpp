// The id of a governed call: its ledger row's key (spend_ledger.request_id, unique), its budget
// reservation's, and the client's x-llmgw-request-id. "req_" + 32 lower-case hex digits: the
// call's unix milliseconds (12 digits, 48 bits) then 80 random bits (20 digits). Ids start with
// the time so that the ledger's unique index on request_id takes each new row at its end: with
// 128 random bits every row landed on a random page of that index, and at 100,000 rows a batch of
// 256 rewrote ~430 pages into SQLite's WAL (5.6 writes and 1.1 reads a row, ~3x the writer's CPU
// of ordered ids; tests/bench/README.md "Ledger writer"). Unique across calls and instances as
// long as no two of the same millisecond draw the same 80 bits.
#pragma once

#include <cstdint>
#include <string>

namespace llmgw::frontends {

/// A new id for a call made at `now_ms` (unix milliseconds).
std::string new_request_id(std::int64_t now_ms);

}  // namespace llmgw::frontends
