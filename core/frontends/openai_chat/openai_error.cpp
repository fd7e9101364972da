#include "frontends/openai_chat/openai_error.hpp"

#include "util/json_escape.hpp"

namespace llmgw::frontends::openai_chat {
namespace {

int own_status(const canonical::ApiError& e) { return e.status; }

}  // namespace


std::string openai_error_body(const canonical::ApiError& e) {
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

const server::ErrorFormat kErrors{&own_status, &openai_error_body};

}  // namespace llmgw::frontends::openai_chat
