#include "loader/abi_check.hpp"
#include "loader/kinds.hpp"

#include "loader/registry.hpp"

#include <cstddef>
#include <cstring>
#include <sstream>

namespace llmgw::loader::detail {

namespace {

// Every member of the ABI 1.0 descriptor is required; members appended later are optional.
constexpr std::size_t kDescriptorMinSize = offsetof(llmgw_plugin, vtable) + sizeof(const void*);

// One hook slot as the loader sees it: name, end offset, and whether it is set within struct_size.
struct Slot {
  const char* name;
  std::size_t end;
  bool present;
};

#define LLMGW_SLOT(Type, vt, member)                                       \
  Slot {                                                                   \
    #member, offsetof(Type, member) + sizeof(((Type*)nullptr)->member),    \
        (LLMGW_HAS_MEMBER(vt, Type, member) && (vt)->member != nullptr)    \
  }

[[noreturn]] void fail(std::string_view who, const std::string& what) {
  throw PluginError(std::string(who) + ": " + what);
}

// Refuses when a REQUIRED slot is NULL or lies beyond the table's struct_size.
void require(std::string_view who, const char* table, std::size_t struct_size,
             std::initializer_list<Slot> slots) {
  std::string missing;
  for (const Slot& s : slots) {
    if (s.present) continue;
    if (!missing.empty()) missing += ", ";
    missing += s.name;
    missing += struct_size < s.end ? " (beyond its struct_size " + std::to_string(struct_size) +
                                         ", needs " + std::to_string(s.end) + ")"
                                   : " (NULL)";
  }
  if (!missing.empty()) fail(who, std::string(table) + " is missing required hooks: " + missing);
}

// Stream hooks are optional as a set: all four or none. Returns whether they are set.
template <class T>
bool check_stream_set(std::string_view who, const T* vt) {
  const Slot slots[] = {LLMGW_SLOT(T, vt, stream_open), LLMGW_SLOT(T, vt, stream_feed),
                        LLMGW_SLOT(T, vt, stream_close), LLMGW_SLOT(T, vt, stream_destroy)};
  std::string set, unset;
  for (const Slot& s : slots) {
    std::string& list = s.present ? set : unset;
    list += list.empty() ? "" : ", ";
    list += s.name;
  }
  if (!set.empty() && !unset.empty())
    fail(who, "partial stream hooks: " + set + " set but " + unset + " NULL (set all four or none)");
  return !set.empty();
}

// A guardrail's per-call hooks (ABI 1.2) are optional as a pair: call_open and call_close.
void check_call_set(std::string_view who, const llmgw_guardrail_vtable* vt) {
  using T = llmgw_guardrail_vtable;
  const Slot open = LLMGW_SLOT(T, vt, call_open), close = LLMGW_SLOT(T, vt, call_close);
  if (open.present != close.present)
    fail(who, std::string("partial call hooks: ") + (open.present ? "call_open" : "call_close") + " set but " +
                  (open.present ? "call_close" : "call_open") + " NULL (set both or neither)");
}

void check_stream_hooks(std::string_view who, const llmgw_provider_vtable* vt) {
  const bool streams = check_stream_set(who, vt);
  if (!streams && (vt->capabilities & LLMGW_CAP_STREAM))
    fail(who, "capabilities include LLMGW_CAP_STREAM but the stream hooks are NULL");
}

void check_provider(std::string_view who, const llmgw_provider_vtable* vt) {
  using T = llmgw_provider_vtable;
  require(who, "provider vtable", vt->struct_size,
          {LLMGW_SLOT(T, vt, provider_names), LLMGW_SLOT(T, vt, create), LLMGW_SLOT(T, vt, destroy),
           LLMGW_SLOT(T, vt, encode_request), LLMGW_SLOT(T, vt, decode_response)});
  if (split_names(vt->provider_names).empty()) fail(who, "provider_names is empty");
  check_stream_hooks(who, vt);
}

void check_router(std::string_view who, const llmgw_router_vtable* vt) {
  using T = llmgw_router_vtable;
  require(who, "router vtable", vt->struct_size,
          {LLMGW_SLOT(T, vt, strategy_names), LLMGW_SLOT(T, vt, create), LLMGW_SLOT(T, vt, destroy),
           LLMGW_SLOT(T, vt, pick)});
  if (split_names(vt->strategy_names).empty()) fail(who, "strategy_names is empty");
}

void check_vtable(std::string_view who, int kind, const void* vtable) {
  if (vtable == nullptr) fail(who, kind_name(kind) + " vtable is NULL");
  switch (kind) {
    case LLMGW_KIND_PROVIDER:
      return check_provider(who, static_cast<const llmgw_provider_vtable*>(vtable));
    case LLMGW_KIND_ROUTER:
      return check_router(who, static_cast<const llmgw_router_vtable*>(vtable));
    case LLMGW_KIND_GUARDRAIL: {
      using T = llmgw_guardrail_vtable;
      auto vt = static_cast<const T*>(vtable);
      require(who, "guardrail vtable", vt->struct_size,
              {LLMGW_SLOT(T, vt, create), LLMGW_SLOT(T, vt, destroy), LLMGW_SLOT(T, vt, check)});
      check_stream_set(who, vt);
      check_call_set(who, vt);
      return;
    }
    case LLMGW_KIND_SINK: {
      using T = llmgw_sink_vtable;
      auto vt = static_cast<const T*>(vtable);
      return require(who, "sink vtable", vt->struct_size,
                     {LLMGW_SLOT(T, vt, create), LLMGW_SLOT(T, vt, destroy), LLMGW_SLOT(T, vt, emit)});
    }
    default:
      break;
  }
}

bool valid_plugin_name(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string kind_name(int kind) {
  const KindInfo* k = find_kind(kind);
  return k ? k->name : "kind " + std::to_string(kind);
}

std::vector<std::string> split_names(const char* names) {
  std::vector<std::string> out;
  if (names == nullptr) return out;
  std::istringstream in(names);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

bool has_stream_hooks(const llmgw_provider_vtable& vt) {
  using T = llmgw_provider_vtable;
  return LLMGW_SLOT(T, &vt, stream_open).present && LLMGW_SLOT(T, &vt, stream_feed).present &&
         LLMGW_SLOT(T, &vt, stream_close).present && LLMGW_SLOT(T, &vt, stream_destroy).present;
}

void check_plugin(const llmgw_plugin& d, std::string_view file_label, std::string_view path) {
  std::string who = "plugin " + std::string(file_label) + " (" + std::string(path) + ")";
  // abi_major, abi_minor and struct_size open every descriptor of every major: always readable.
  if (d.abi_major != LLMGW_ABI_MAJOR) {
    throw PluginError(who + " was built for ABI " + std::to_string(d.abi_major) + "." +
                      std::to_string(d.abi_minor) + ", this gateway speaks ABI " +
                      std::to_string(LLMGW_ABI_MAJOR) + "." + std::to_string(LLMGW_ABI_MINOR));
  }
  if (d.struct_size < kDescriptorMinSize) {
    fail(who, "descriptor struct_size " + std::to_string(d.struct_size) + " is smaller than the " +
                  std::to_string(kDescriptorMinSize) + " bytes of an ABI 1.0 llmgw_plugin");
  }
  if (d.build_signature == nullptr || std::strcmp(d.build_signature, LLMGW_BUILD_SIGNATURE) != 0) {
    fail(who, "build signature \"" + std::string(d.build_signature ? d.build_signature : "(null)") +
                  "\" does not match the gateway's \"" LLMGW_BUILD_SIGNATURE
                  "\" (built for another machine model?)");
  }
  if (d.name == nullptr || !valid_plugin_name(d.name)) {
    fail(who, "descriptor name \"" + std::string(d.name ? d.name : "(null)") +
                  "\" is not a plugin name ([A-Za-z0-9._-], 1 to 100 bytes)");
  }
  if (file_label != d.name) who = "plugin " + std::string(d.name) + " (" + std::string(path) + ")";
  // Read as an integer: loading a value outside the enumerators through the enum type is UB in
  // C++, and an unknown kind (from a later minor) is exactly such a value.
  const int kind = d.kind;
  if (!find_kind(kind)) {
    fail(who, "unknown kind " + std::to_string(kind) + " (ABI " + std::to_string(d.abi_major) + "." +
                  std::to_string(d.abi_minor) + "; this gateway knows kinds 1-4)");
  }
  check_vtable(who, kind, d.vtable);
}

}  // namespace llmgw::loader::detail
