#!/usr/bin/env bash
# Instructions per entry of the Redis sink (bench/README.md, "Redis Streams sink"): valgrind's
# callgrind on depthrec-redis-bench into a redis-server on a Unix socket, twice: the whole process,
# then the sink's own share (offer() and the sink's thread, --toggle-collect: without the bench's
# line building and stats polling). Deterministic, unlike the rate on a shared machine.
#   bash bench/redis_sink_callgrind.sh BENCH_BINARY [ENTRIES]   (e.g. build/depthrec-redis-bench 50000)
set -eu
bench=$1 entries=${2:-50000}
source "$(dirname "$0")/redis_scratch_server.sh"
total() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }
valgrind --tool=callgrind --callgrind-out-file="$dir/all.out" "$bench" --url "unix://$sock" \
  --entries "$entries" >/dev/null 2>"$dir/all.log"
redis-cli -s "$sock" FLUSHALL >/dev/null
valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*RedisPublisher::offer*' \
  --toggle-collect='*RedisPublisher::Impl::run*' --callgrind-out-file="$dir/sink.out" "$bench" \
  --url "unix://$sock" --entries "$entries" >/dev/null 2>"$dir/sink.log"
echo "$bench: $(($(total "$dir/all.out") / entries)) instructions/entry in all, $(($(total "$dir/sink.out") / entries)) the sink's (offer + its thread)"
