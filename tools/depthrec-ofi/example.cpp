// The smallest user program: a synced BTCUSDT book on a background thread and its OFI every
// second for one minute (docs/ofi.md). Usage: depthrec-ofi-example [WS_URL REST_URL CA_FILE]
#include <chrono>
#include <cstdio>
#include <thread>

#include "depthrec/recorder.hpp"
#include "ofi_calculator.hpp"

int main(int argc, char** argv) {
  depthrec::RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.depth_levels = 0;     // full book: snapshot + diffs
  config.write_files = false;  // keep the book only
  if (argc == 4) {             // e.g. a local depthsim
    config.ws_endpoint = argv[1];
    config.rest_endpoint = argv[2];
    config.ca_file = argv[3];
  }

  depthrec::ofi::OfiConfig ofi_config;  // 5 levels, 1 s windows on the event time E
  // The sink runs on the recorder's thread; a real program would hand windows over instead.
  depthrec::ofi::OfiCalculator ofi(ofi_config, [](const depthrec::ofi::OfiWindow& w) {
    std::printf("%lld ofi=%.3f ofi_5=%.3f events=%llu%s\n", static_cast<long long>(w.start_ms),
                w.ofi, w.mlofi[4], static_cast<unsigned long long>(w.events), w.gap ? " gap" : "");
  });
  depthrec::Recorder recorder(config);
  recorder.on_update([&](const depthrec::BookUpdate& update) { ofi.on_book(update); });
  recorder.start();  // returns at once; the callback runs on the recorder's thread
  std::this_thread::sleep_for(std::chrono::minutes(1));
  recorder.stop();
  std::printf("callback mean %.0f ns\n", recorder.metrics().run.callback_ns.mean);
}
