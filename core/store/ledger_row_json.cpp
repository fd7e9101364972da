#include "store/ledger_row_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>

namespace llmgw::store {
namespace {

// One table of (name, member) for the text fields and one for the integers: the writer and the
// reader cannot disagree.
struct TextField {
  const char* name;
  std::string LedgerRow::*member;
};
struct IntField {
  const char* name;
  std::int64_t LedgerRow::*member;
};
constexpr TextField kText[] = {
    {"request_id", &LedgerRow::request_id}, {"key_hash", &LedgerRow::key_hash},
    {"team_id", &LedgerRow::team_id},       {"alias", &LedgerRow::alias},
    {"deployment", &LedgerRow::deployment}, {"provider", &LedgerRow::provider},
};
constexpr IntField kInt[] = {
    {"input_tokens", &LedgerRow::input_tokens},
    {"output_tokens", &LedgerRow::output_tokens},
    {"cached_read_tokens", &LedgerRow::cached_read_tokens},
    {"cache_write_tokens", &LedgerRow::cache_write_tokens},
    {"reasoning_tokens", &LedgerRow::reasoning_tokens},
    {"cost_nano_usd", &LedgerRow::cost_nano_usd},
    {"latency_ms", &LedgerRow::latency_ms},
    {"ttft_ms", &LedgerRow::ttft_ms},
    {"status", &LedgerRow::status},
    {"created_at", &LedgerRow::created_at},
};

}  // namespace

void append_json_line(const LedgerRow& row, std::string& out) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& f : kText) {
    w.Key(f.name);
    const std::string& s = row.*f.member;
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  for (const auto& f : kInt) {
    w.Key(f.name);
    w.Int64(row.*f.member);
  }
  w.EndObject();
  out.append(buf.GetString(), buf.GetSize());
  out += '\n';
}

std::optional<LedgerRow> parse_json_line(std::string_view line) {
  rapidjson::Document doc;
  // Iterative: a corrupt line cannot recurse deeply.
  doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  LedgerRow row;
  for (const auto& f : kText) {
    auto it = doc.FindMember(f.name);
    if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
    row.*f.member = std::string(it->value.GetString(), it->value.GetStringLength());
  }
  for (const auto& f : kInt) {
    auto it = doc.FindMember(f.name);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    row.*f.member = it->value.GetInt64();
  }
  if (row.request_id.empty()) return std::nullopt;
  return row;
}

}  // namespace llmgw::store
