// Sanitizer defaults baked into every fuzz binary, so that running one by hand (to reproduce a
// crash) behaves exactly like tools/fuzz.sh: UBSan findings stop the run (libFuzzer then saves the
// input) except for the suppressed third-party report listed in ubsan.supp.
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" DEPTHREC_FUZZ_UBSAN_SUPPRESSIONS;
}
