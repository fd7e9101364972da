// Optional header-only C++17 helpers over the llmgw C ABI (llmgw/plugin.h).
// Nothing here crosses the ABI: it only makes writing a plugin in C++ shorter and safer.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

namespace llmgw {

/// A borrowed view of a std::string_view as an llmgw_str (valid while `s` is).
inline llmgw_str str(std::string_view s) noexcept { return llmgw_str{s.data(), s.size()}; }

/// A std::string_view over an llmgw_str.
inline std::string_view view(llmgw_str s) noexcept {
  return s.len ? std::string_view(s.ptr, s.len) : std::string_view();
}

/// Writes bytes to a host writer.
inline void write(const llmgw_writer* w, std::string_view s) noexcept {
  if (w && w->write) w->write(w->ctx, str(s));
}

/// A host-style writer that appends to `*out` (for tests, and for plugins calling host
/// functions that write, such as llmgw_host.secret). Valid while `*out` is.
inline llmgw_writer string_writer(std::string* out) noexcept {
  return llmgw_writer{out, [](void* ctx, llmgw_str b) {
                        if (b.len) static_cast<std::string*>(ctx)->append(b.ptr, b.len);
                      }};
}

/// ASCII case-insensitive equality (HTTP header names).
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// The value of the first header named `name` (case-insensitive), or an empty view.
inline std::string_view find_header(const llmgw_header* headers, std::size_t count,
                                    std::string_view name) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    if (iequals(view(headers[i].name), name)) return view(headers[i].value);
  return {};
}

/// A usage record with every field "not reported" (-1).
inline llmgw_usage unknown_usage() noexcept {
  llmgw_usage u{};
  u.struct_size = sizeof(llmgw_usage);
  u.prompt_tokens = u.completion_tokens = u.cached_tokens = -1;
  u.cache_creation_tokens = u.reasoning_tokens = -1;
  return u;
}

/// Builds an llmgw_error whose strings stay alive as long as this object.
struct Error {
  llmgw_error_class error_class = LLMGW_ERR_TRANSIENT;
  int status = 500;
  std::string type = "api_error";
  std::string code;
  std::string param;
  std::string message;
  int64_t retry_after_ms = -1;

  llmgw_error c() const noexcept {
    llmgw_error e{};
    e.struct_size = sizeof(llmgw_error);
    e.error_class = error_class;
    e.status = status;
    e.type = str(type);
    e.code = str(code);
    e.param = str(param);
    e.message = str(message);
    e.retry_after_ms = retry_after_ms;
    return e;
  }
};

/// A thin wrapper over the host table for logging and time.
class Host {
 public:
  explicit Host(const llmgw_host* h = nullptr) noexcept : h_(h) {}
  const llmgw_host* get() const noexcept { return h_; }
  void log(llmgw_log_level level, std::string_view msg) const noexcept {
    if (h_ && h_->log) h_->log(h_->ctx, level, str(msg));
  }
  uint64_t now_ns() const noexcept { return h_ && h_->monotonic_ns ? h_->monotonic_ns(h_->ctx) : 0; }
  /// Resolves a secret reference; returns false when not found.
  bool secret(std::string_view ref, std::string& out) const {
    out.clear();
    llmgw_writer w = string_writer(&out);
    return h_ && h_->secret && h_->secret(h_->ctx, str(ref), &w) == LLMGW_OK;
  }
  /// Registers a counter (call from create() only); 0 when registration failed.
  uint32_t counter_register(std::string_view name, std::string_view help) const noexcept {
    return h_ && h_->counter_register ? h_->counter_register(h_->ctx, str(name), str(help)) : 0;
  }
  /// Adds to a registered counter. Lock-free; handle 0 is a no-op.
  void counter_add(uint32_t handle, uint64_t delta = 1) const noexcept {
    if (h_ && h_->counter_add && handle != 0) h_->counter_add(h_->ctx, handle, delta);
  }

 private:
  const llmgw_host* h_;
};

/// Runs `fn` and turns any C++ exception into an error line and LLMGW_ERROR, so that no
/// exception ever crosses the C ABI. Use it in every extern "C" hook.
template <typename Fn>
llmgw_status guarded(const llmgw_writer* error, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown exception in plugin");
  }
  return LLMGW_ERROR;
}

/// Reports an error through an out-table that has set_error (llmgw_result_out,
/// llmgw_event_out); the hook then returns LLMGW_ERROR.
template <typename Out>
void set_error(const Out* out, llmgw_error_class error_class, int status,
               std::string_view message) noexcept {
  llmgw_error e{};
  e.struct_size = sizeof(llmgw_error);
  e.error_class = error_class;
  e.status = status;
  e.type = str(status >= 500 ? "api_error" : "invalid_request_error");
  e.message = str(message);
  e.retry_after_ms = -1;
  out->set_error(out->ctx, &e);
}

/// guarded() for hooks that report through an out-table instead of an error writer
/// (decode_response, stream_feed, stream_close): an exception becomes an
/// LLMGW_ERR_BAD_RESPONSE error with status 502 and LLMGW_ERROR.
template <typename Out, typename Fn>
llmgw_status guarded_out(const Out* out, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, e.what());
  } catch (...) {
    set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, "unknown exception in plugin");
  }
  return LLMGW_ERROR;
}

}  // namespace llmgw
