// A config file's symbols and streams (its selected mode's `symbols:`) as what the recorder
// subscribes to: one depth stream is the seed's single stream, several are subscription keys for
// the many-stream engine. Streams depthrec does not record yet are an error naming each, or with
// --skip-unsupported-streams a warning each.
#pragma once

#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec::cli {

// Fills config (symbol/market/depth_levels/speed/record_book_ticker, or subscriptions) and
// selection from `loaded`; symbols without a market take config.market, and with
// config.record_book_ticker (--book-ticker) every symbol records its bookTicker too. Returns ""
// or the error.
std::string subscribe_config_symbols(const config::LoadedConfig& loaded,
                                     bool skip_unsupported_streams, RecorderConfig& config,
                                     SymbolSelection& selection,
                                     std::vector<std::string>& warnings);

}  // namespace depthrec::cli
