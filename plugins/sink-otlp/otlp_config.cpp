#include "otlp_config.hpp"

#include <rapidjson/document.h>

#include <stdexcept>

namespace llmgw::sink_otlp {

Config parse_config(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::invalid_argument("config: expected a JSON object");
  Config c;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    const auto& v = it->value;
    if (name == "endpoint") {
      if (!v.IsString()) throw std::invalid_argument("config.endpoint: expected a URL string");
      c.endpoint.assign(v.GetString(), v.GetStringLength());
      if (c.endpoint.rfind("http://", 0) != 0 && c.endpoint.rfind("https://", 0) != 0)
        throw std::invalid_argument("config.endpoint: expected http://host:port/v1/traces or https://host:port/v1/traces");
    } else if (name == "headers") {
      if (!v.IsObject()) throw std::invalid_argument("config.headers: expected a mapping of header names to values");
      for (auto h = v.MemberBegin(); h != v.MemberEnd(); ++h) {
        if (!h->value.IsString()) throw std::invalid_argument("config.headers: every value must be a string");
        c.headers.emplace_back(std::string(h->name.GetString(), h->name.GetStringLength()),
                               std::string(h->value.GetString(), h->value.GetStringLength()));
      }
    } else if (name == "service_name") {
      if (!v.IsString() || v.GetStringLength() == 0) throw std::invalid_argument("config.service_name: expected a name");
      c.service_name.assign(v.GetString(), v.GetStringLength());
    } else if (name == "timeout_ms") {
      if (!v.IsUint() || v.GetUint() == 0 || v.GetUint() > 600000)
        throw std::invalid_argument("config.timeout_ms: expected 1..600000");
      c.timeout_ms = v.GetUint();
    } else if (name == "batch_size") {
      if (!v.IsUint() || v.GetUint() == 0 || v.GetUint() > 10000)
        throw std::invalid_argument("config.batch_size: expected 1..10000");
      c.batch_size = v.GetUint();
    } else {
      throw std::invalid_argument("config." + name +
                                  ": unknown key (known: endpoint, headers, service_name, timeout_ms, batch_size)");
    }
  }
  if (c.endpoint.empty()) throw std::invalid_argument("config.endpoint: required (the collector's OTLP/HTTP traces URL)");
  return c;
}

}  // namespace llmgw::sink_otlp
