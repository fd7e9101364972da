// A ledger row as one line of JSON (the spool's record format).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace llmgw::store {

/// Appends the row as a JSON object and a '\n'.
void append_json_line(const LedgerRow& row, std::string& out);
/// The row in one line (without its '\n'); nullopt when the line is not a whole row (a torn
/// write, corruption): every field must be present with its type.
std::optional<LedgerRow> parse_json_line(std::string_view line);

}  // namespace llmgw::store
