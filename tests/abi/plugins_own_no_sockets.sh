#!/usr/bin/env bash
# Plugins own no sockets (sdk/ABI.md: the core does all I/O; a credential exchange or an HTTP call a
# plugin needs goes through the host table). Checks the dynamic symbols every plugin module in DIR
# imports: none may be a socket, name-resolution or polling call. Fails when DIR holds no module,
# so that a wrong path cannot pass.
#   plugins_own_no_sockets.sh DIR
set -euo pipefail
dir=${1:?usage: plugins_own_no_sockets.sh DIR}
forbidden='^(socket|socketpair|connect|bind|listen|accept|accept4|getaddrinfo|gethostbyname|gethostbyname_r|send|sendto|sendmsg|recv|recvfrom|recvmsg|poll|ppoll|select|pselect|epoll_create|epoll_create1|epoll_wait|epoll_ctl)$'
shopt -s nullglob
modules=("$dir"/*.so)
((${#modules[@]})) || { echo "no plugin modules in $dir" >&2; exit 1; }
status=0
for m in "${modules[@]}"; do
  hits=$(nm -D --undefined-only "$m" | awk '{print $NF}' | sed 's/@.*//' | grep -E "$forbidden" | sort -u | tr '\n' ' ' || true)
  if [[ -n $hits ]]; then
    echo "$(basename "$m") imports: $hits" >&2
    status=1
  fi
done
((status == 0)) && echo "${#modules[@]} plugin modules, none imports a socket call"
exit $status
