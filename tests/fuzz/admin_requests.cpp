// libFuzzer target: the admin API's request bodies (core/admin/admin_requests). Checks: any body
// the bounded parse accepts is either refused with a 400 naming a field, or applied to a key and a
// team record whose JSON answers are well-formed objects; the times in query strings parse or are
// refused, never more.
#include "admin/admin_requests.hpp"
#include "fuzz_util.hpp"
#include "json_check.hpp"

#include <llmgw/json_depth.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  rapidjson::Document doc;
  // As the admin endpoint parses: strings checked as UTF-8 (they are echoed inside JSON answers).
  if (llmgw::parse_bounded<rapidjson::kParseValidateEncodingFlag>(doc, bytes, 64).ok()) {
    llmgw::admin::KeyFields kf;
    if (auto e = llmgw::admin::parse_key_fields(doc, kf)) {
      FUZZ_REQUIRE(e->status == 400);
      FUZZ_REQUIRE(!e->message.empty());
    } else {
      llmgw::store::KeyRecord key;
      key.key_hash = std::string(64, 'a');
      if (!llmgw::admin::apply_key_fields(kf, 1'700'000'000'000, key)) {
        FUZZ_REQUIRE(fuzz::is_json_object(llmgw::admin::key_json(key)));
        FUZZ_REQUIRE(key.limits.budget_nano_usd >= -1);
        FUZZ_REQUIRE(key.limits.rpm >= 0 && key.limits.tpm >= 0 && key.limits.max_parallel >= 0);
      }
    }
    llmgw::admin::TeamFields tf;
    if (auto e = llmgw::admin::parse_team_fields(doc, tf)) {
      FUZZ_REQUIRE(e->status == 400);
    } else {
      llmgw::store::TeamRecord team;
      team.team_id = "t";
      llmgw::admin::apply_team_fields(tf, 1'700'000'000'000, team);
      FUZZ_REQUIRE(fuzz::is_json_object(llmgw::admin::team_json(team)));
    }
  }
  if (size <= 32) {
    if (auto t = llmgw::admin::parse_time(bytes)) FUZZ_REQUIRE(*t >= 0);
  }
  return 0;
}
