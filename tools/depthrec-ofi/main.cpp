// depthrec-ofi: runs depthrec's Recorder on a background thread, as a user's program would, and
// computes the order-flow imbalance of its books window by window (see docs/ofi.md): one
// calculator per symbol (OfiStreams), each update routed by its key.
//   default  recorder.on_update(): OFI inside the callback on the network thread; windows are
//            handed to the main thread, which writes them
//   --queue  recorder.subscribe_queue(): the main thread pops book states and computes OFI (one
//            symbol: the queue's states do not name their symbol)
// Stops on SIGINT/SIGTERM or at --run-minutes, then prints what the OFI cost.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/signal_stopper.hpp"
#include "depthrec/recorder.hpp"
#include "ofi_calculator.hpp"
#include "ofi_options.hpp"
#include "ofi_streams.hpp"
#include "window_mailbox.hpp"
#include "window_output.hpp"

namespace {

using depthrec::ofi::OfiCalculator;
using depthrec::ofi::OfiStreams;
using depthrec::ofi::OfiToolOptions;
using depthrec::ofi::OfiWindow;
using SteadyClock = std::chrono::steady_clock;

struct QueueFigures {
  std::uint64_t states = 0;
  std::int64_t calculator_ns = 0;
};

// At most this many windows wait for the main thread, all symbols together (~300 bytes each at
// --levels 5): the bound does not grow with the number of symbols.
constexpr std::size_t kMailboxWindows = 100'000;

// Pops states until the recorder closes the queue at its stop and it is drained.
QueueFigures consume_queue(depthrec::BookUpdateQueue& queue, OfiCalculator& calculator,
                           depthrec::ofi::WindowOutput& output) {
  QueueFigures figures;
  while (!queue.closed()) {
    auto state = queue.pop(std::chrono::milliseconds(200));
    if (!state) continue;
    const auto start = SteadyClock::now();
    calculator.on_top(*state);
    figures.calculator_ns +=
        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - start).count();
    ++figures.states;
    output.flush();  // a no-op unless the state closed a window
  }
  return figures;
}

void write_windows(const std::vector<depthrec::ofi::StreamWindow>& windows,
                   depthrec::ofi::WindowOutput& output) {
  for (const auto& w : windows) output.write(w.stream, w.window);
  output.flush();
}

void drain_mailbox(depthrec::Recorder& recorder, depthrec::ofi::WindowMailbox& mailbox,
                   depthrec::ofi::WindowOutput& output) {
  while (recorder.running()) write_windows(mailbox.take(std::chrono::milliseconds(200)), output);
}

void print_counters(const char* name, const depthrec::ofi::OfiCounters& c,
                    std::uint64_t mailbox_dropped) {
  std::fprintf(
      stderr,
      "depthrec-ofi: %s%s%llu book states, %llu transitions, %llu chain restarts, %llu "
      "unsynced skipped, %llu windows (%llu not handed over)\n",
      name, *name ? ": " : "", static_cast<unsigned long long>(c.states),
      static_cast<unsigned long long>(c.transitions), static_cast<unsigned long long>(c.breaks),
      static_cast<unsigned long long>(c.skipped), static_cast<unsigned long long>(c.windows),
      static_cast<unsigned long long>(mailbox_dropped));
}

void report(const depthrec::Recorder& recorder, const OfiStreams& streams,
            const depthrec::ofi::WindowMailbox& mailbox, const QueueFigures& queue_figures,
            std::uint64_t queue_dropped, bool use_queue) {
  // The whole run first (a one-symbol run prints this line only, as before), then each symbol.
  print_counters("", streams.total_counters(), mailbox.dropped());
  if (streams.size() > 1) {
    for (std::size_t i = 0; i < streams.size(); ++i)
      print_counters(to_string(streams.stream(i)).c_str(), streams.calculator(i).counters(),
                     mailbox.dropped(i));
  }
  if (streams.unknown_updates() > 0)
    std::fprintf(stderr, "depthrec-ofi: %llu updates of no requested symbol ignored\n",
                 static_cast<unsigned long long>(streams.unknown_updates()));
  if (use_queue) {
    const double per_state = queue_figures.states > 0
                                 ? static_cast<double>(queue_figures.calculator_ns) /
                                       static_cast<double>(queue_figures.states)
                                 : 0.0;
    std::fprintf(stderr,
                 "depthrec-ofi: queue: %llu states consumed, %llu dropped when full; calculator "
                 "%.0f ns a state (%.2f M states/s)\n",
                 static_cast<unsigned long long>(queue_figures.states),
                 static_cast<unsigned long long>(queue_dropped), per_state,
                 per_state > 0 ? 1e3 / per_state : 0.0);
    return;
  }
  const depthrec::HistogramSummary cost = recorder.metrics().run.callback_ns;
  std::fprintf(stderr,
               "depthrec-ofi: callback (OFI on the network thread): %llu calls, mean %.0f ns, "
               "p50 %lld ns, p99 %lld ns, p99.9 %lld ns, max %lld ns\n",
               static_cast<unsigned long long>(cost.count), cost.mean,
               static_cast<long long>(cost.p50), static_cast<long long>(cost.p99),
               static_cast<long long>(cost.p999), static_cast<long long>(cost.max));
}

int run(const OfiToolOptions& options) {
  depthrec::ofi::WindowOutput output(options.out, options.print, options.streams,
                                     options.ofi.clock);
  depthrec::ofi::WindowMailbox mailbox(kMailboxWindows, options.streams.size());
  // Declared before the recorder, so the recorder (and its callback) is gone before it.
  OfiStreams streams(options.ofi, options.streams, [&](std::size_t stream, const OfiWindow& w) {
    if (options.use_queue)
      output.write(stream, w);  // main thread
    else
      mailbox.push(stream, w);  // network thread: no I/O there
  });
  depthrec::Recorder recorder(options.recorder);
  std::shared_ptr<depthrec::BookUpdateQueue> queue;
  if (options.use_queue) {
    queue = recorder.subscribe_queue(options.queue_capacity, options.ofi.levels);
  } else {
    recorder.on_update([&streams](const depthrec::BookUpdate& update) { streams.on_book(update); });
  }
  recorder.start();
  QueueFigures queue_figures;
  {
    depthrec::cli::SignalStopper stopper(recorder, "depthrec-ofi");
    if (queue)
      queue_figures = consume_queue(*queue, streams.calculator(0), output);
    else
      drain_mailbox(recorder, mailbox, output);
    recorder.wait();
  }
  // The network thread has ended: the calculators are this thread's now.
  streams.finish();
  write_windows(mailbox.take(std::chrono::milliseconds(0)), output);
  output.flush();
  report(recorder, streams, mailbox, queue_figures, queue ? queue->dropped() : 0,
         options.use_queue);

  const std::string error = recorder.last_error();
  if (!error.empty()) {
    std::cerr << "depthrec-ofi: " << error << "\n";
    return 1;
  }
  if (output.write_errors() > 0) {
    std::cerr << "depthrec-ofi: " << output.write_errors() << " window lines not written\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = depthrec::ofi::parse_ofi_command_line(argc, argv);
  if (parsed.exit_code >= 0) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    return parsed.exit_code;
  }
  depthrec::cli::block_termination_signals();
  try {
    return run(parsed.options);
  } catch (const std::exception& error) {
    std::cerr << "depthrec-ofi: " << error.what() << "\n";
    return 1;
  }
}
