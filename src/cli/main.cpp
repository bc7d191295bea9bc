// depthrec: the command-line recorder. Parses flags, runs a Recorder on this thread, and stops it
// cleanly on SIGINT/SIGTERM or at --run-minutes.
#include <iostream>

#include "cli/cli_options.hpp"
#include "cli/signal_stopper.hpp"
#include "depthrec/recorder.hpp"

int main(int argc, char** argv) {
  auto parsed = depthrec::cli::parse_command_line(argc, argv);
  if (parsed.exit_code >= 0) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    return parsed.exit_code;
  }
  depthrec::cli::block_termination_signals();
  try {
    depthrec::Recorder recorder(parsed.config);
    {
      depthrec::cli::SignalStopper stopper(recorder, "depthrec");
      recorder.run();
    }
    const std::string error = recorder.last_error();
    if (!error.empty()) {
      std::cerr << "depthrec: " << error << "\n";
      return 1;
    }
  } catch (const std::exception& error) {
    std::cerr << "depthrec: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
