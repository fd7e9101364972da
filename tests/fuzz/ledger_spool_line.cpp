// libFuzzer target: one line of the ledger spool (core/store/ledger_row_json), read back after a
// crash may have torn or corrupted it. Checks: a line that is not a whole row is refused
// (nullopt), never thrown; a row it accepts has a request id and survives being written and
// read again unchanged.
#include "fuzz_util.hpp"
#include "store/ledger_row_json.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto row = llmgw::store::parse_json_line(line);
  if (!row) return 0;
  FUZZ_REQUIRE(!row->request_id.empty());
  std::string again;
  llmgw::store::append_json_line(*row, again);
  FUZZ_REQUIRE(!again.empty() && again.back() == '\n');
  again.pop_back();
  FUZZ_REQUIRE(again.find('\n') == std::string::npos);
  const auto back = llmgw::store::parse_json_line(again);
  FUZZ_REQUIRE(back && *back == *row);
  return 0;
}
