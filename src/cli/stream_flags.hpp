// --streams depth,trade,aggTrade,bookTicker (Binance's names): the channels recorded for every
// symbol the command line gives. One depth stream (depth, depth@<speed>, depth<5|10|20>[@<speed>])
// sets what --depth/--speed would; bookTicker is --book-ticker; trade and aggTrade are event
// channels, each a stream of its own per symbol; rpiDepth (USD-M's RPI book) is one too, beside
// the depth stream.
#pragma once

#include <string>
#include <vector>

#include "depthrec/recorder_config.hpp"
#include "depthrec/subscription.hpp"

namespace depthrec::cli {

// Applies `names` to `config` (depth_levels, speed, record_book_ticker) and returns the event
// channels (and rpiDepth) in `events`. "" when usable, else why (a name Binance does not offer, two
// depth streams, none, a channel not recorded yet unless `skip_unsupported`, which warns instead).
std::string apply_stream_names(const std::vector<std::string>& names, bool skip_unsupported,
                               RecorderConfig& config, std::vector<Channel>& events,
                               std::vector<std::string>& warnings);

// Adds `events` for every symbol of the run: config.subscriptions gets the depth (and
// bookTicker) keys of the single symbol first when it had none, so the many-stream engine
// records them. "" or why not (--symbols ALL: not yet).
std::string subscribe_event_channels(const std::vector<Channel>& events, RecorderConfig& config);

// "" when every subscribed channel is one its market offers, else the first that is not
// (markPrice or forceOrder on spot, kline_1s on a futures market), as an exit-2 message says it.
std::string check_channels_offered(const RecorderConfig& config);

}  // namespace depthrec::cli
