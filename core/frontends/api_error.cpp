#include "frontends/api_error.hpp"

#include "util/json_escape.hpp"

namespace llmgw::frontends {

std::string openai_error_body(const ApiError& e) {
  std::string out;
  out.reserve(96 + e.message.size());
  out += "{\"error\":{\"message\":";
  util::append_json_string(out, e.message);
  out += ",\"type\":";
  util::append_json_string(out, e.type);
  out += ",\"param\":";
  if (e.param.empty()) out += "null"; else util::append_json_string(out, e.param);
  out += ",\"code\":";
  if (e.code.empty()) out += "null"; else util::append_json_string(out, e.code);
  out += "}}";
  return out;
}

}  // namespace llmgw::frontends
