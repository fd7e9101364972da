#include "request_log.hpp"

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace llmgw::sink_request_log {

Config parse_config(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::invalid_argument("config: expected a JSON object");
  Config c;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "path") {
      if (!it->value.IsString() || it->value.GetStringLength() == 0)
        throw std::invalid_argument("config.path: expected a non-empty file path");
      c.path.assign(it->value.GetString(), it->value.GetStringLength());
    } else if (name == "include_bodies") {
      if (!it->value.IsBool()) throw std::invalid_argument("config.include_bodies: expected true or false");
      c.include_bodies = it->value.GetBool();
    } else {
      throw std::invalid_argument("config." + std::string(name) + ": unknown key (known: path, include_bodies)");
    }
  }
  if (c.path.empty()) throw std::invalid_argument("config.path: required (the file to append request lines to)");
  return c;
}

std::string log_line(std::string_view event_json, bool include_bodies) {
  static constexpr std::string_view kBody = "\"request_body\"";
  if (include_bodies || event_json.find(kBody) == std::string_view::npos) return std::string(event_json);
  rapidjson::Document doc;
  const JsonResult r = parse_bounded(doc, event_json);
  if (!r.ok() || !doc.IsObject()) throw std::invalid_argument("event: not a JSON object");
  doc.RemoveMember("request_body");
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return std::string(out.GetString(), out.GetSize());
}

RequestLog::RequestLog(Config config) : config_(std::move(config)) {
  file_ = std::fopen(config_.path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open " + config_.path + " for appending: " + std::strerror(errno));
}

RequestLog::~RequestLog() {
  if (file_) std::fclose(file_);
}

void RequestLog::emit(const llmgw_sink_event& event) {
  if (event.type != LLMGW_EVENT_REQUEST) return;
  std::string line = log_line(std::string_view(event.json.ptr, event.json.len), config_.include_bodies);
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    throw std::runtime_error("write failed");
}

void RequestLog::flush() { std::fflush(file_); }

}  // namespace llmgw::sink_request_log
