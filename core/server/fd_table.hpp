#pragma once
// The process's descriptor limit and table, made ready for every connection before the loops run.

namespace llmgw::server {

/// Raises the open-file soft limit to the hard one (each proxied stream holds two descriptors),
/// then grows the kernel's descriptor table at once to hold `descriptors` (capped by that limit).
///
/// Why grow it now: the kernel grows a process's table by doubling when a new descriptor does not
/// fit, and when the table is shared by several threads it waits for an RCU grace period first
/// (fs/file.c, expand_fdtable: synchronize_rcu). The thread that called accept() or socket() is
/// blocked meanwhile: measured here, a loop thread stalled 16–32 ms at 512, 4,096 and 8,192
/// descriptors while 8,000 streams opened, and every stream behind it waited (nginx's worker is
/// single-threaded and never pays it). Growing once at start-up costs 8 bytes a slot.
/// Returns the table size the kernel reports afterwards (FDSize), or 0 when it cannot be read.
int prepare_fd_table(int descriptors);

/// The kernel's descriptor table size for this process (FDSize in /proc/self/status), or 0.
int fd_table_size();

}  // namespace llmgw::server
