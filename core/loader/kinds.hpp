// The one table of plugin kinds: what the loader needs to know of each (its name, whether this
// gateway serves it yet, the names its vtable registers, its create and destroy). Loading,
// name clashes, instance creation and destruction are written once over this table; a new kind is
// one row here (and the phase that runs it).
#pragma once

#include <llmgw/plugin.h>

namespace llmgw::loader {

struct KindInfo {
  using Create = llmgw_status (*)(const llmgw_host* host, llmgw_str config_json, void** instance,
                                  const llmgw_writer* error);
  using Destroy = void (*)(void* instance);

  int kind;                 // LLMGW_KIND_*
  const char* name;         // "provider", "router"…
  /// False: a library of this kind is refused at load with one line (no phase runs it yet, and
  /// loading it would let an operator believe requests are screened or recorded).
  bool served;
  /// What the names the vtable registers are called in messages ("provider name"), and the verb
  /// of a clash ("is already served by"); null when the kind registers no names.
  const char* name_noun;
  const char* clash_verb;
  /// The vtable's space-separated names ("openai azure"), or null.
  const char* (*names)(const void* vtable);
  Create (*create)(const void* vtable);
  Destroy (*destroy)(const void* vtable);
};

/// The row of `kind`, or null for a kind this gateway does not know.
const KindInfo* find_kind(int kind);

}  // namespace llmgw::loader
