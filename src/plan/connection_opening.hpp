// How a connection opens (issue 12): its URL names only its first streams, the rest are
// SUBSCRIBEd right after the open. A URL naming 1,024 spot streams is ~25 KB: depthsim refuses it
// with HTTP 431 above 16,000 bytes and real servers limit request lines too. The URL is kept
// under a bound (at most kMaxUrlStreams names and kMaxUrlNameBytes of names: with a host and path
// the URL stays under ~4.3 KB, half of the common 8 KB request-line limit); the rest go in
// SUBSCRIBE messages of at most StreamRequestBuilder's streams each, paced by the connection's
// MessagePacer. A rollover's successor opens the same way, so its join deadline allows for the
// pacing (pacing_allowance). Pure: no I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace depthrec::plan {

struct UrlBounds {
  static constexpr std::size_t kMaxUrlStreams = 100;
  static constexpr std::size_t kMaxUrlNameBytes = 4096;  // the names and their '/' separators
  std::size_t max_streams = kMaxUrlStreams;
  std::size_t max_name_bytes = kMaxUrlNameBytes;
};

// How many of `names`, from the first, the URL names: as many as fit both bounds (at least one
// when there is one, whatever its length: the venue refuses a stream name over its own bound).
std::size_t url_stream_count(const std::vector<std::string>& names, const UrlBounds& bounds = {});

// The SUBSCRIBE messages `streams` take at `max_streams_per_request` each.
std::size_t request_count(std::size_t streams, std::size_t max_streams_per_request);

// An upper bound on how long `messages` requests take to leave on a connection whose incoming
// limit is `limit_per_second` (MessagePacer: one per interval, the first at once), with a pong
// a second taking a slot of its own. A rollover's join deadline (and the transport's rollover
// timeout) add it: the successor's books cannot join before their SUBSCRIBE has gone.
std::chrono::milliseconds pacing_allowance(std::size_t messages, int limit_per_second);

}  // namespace depthrec::plan
