// Reading one column of a RecordSet row, the same way on SQLite and PostgreSQL.
#pragma once

#include <Poco/Data/RecordSet.h>

#include <cstdint>
#include <string>

namespace llmgw::store::detail {

inline std::int64_t int_at(Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
  const Poco::Dynamic::Var v = rs.value(col, row);
  return v.isEmpty() ? 0 : v.convert<Poco::Int64>();
}

inline std::string text_at(Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
  const Poco::Dynamic::Var v = rs.value(col, row);
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}

inline std::int64_t clamp_page(std::int64_t limit) { return limit < 1 ? 1 : limit > 1000 ? 1000 : limit; }

}  // namespace llmgw::store::detail
