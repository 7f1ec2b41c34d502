// libFuzzer target: arbitrary bytes as a BART .hdr/.cfl pair. The input is split at its
// first NUL byte: before it the header text, after it the sample bytes. Any outcome but a
// tensor or an ambient::Error (a crash, a sanitizer report, another exception) is a bug.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string stem = "/tmp/ambient-fuzz-cfl-" + std::to_string(::getpid());
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const size_t split = std::min(bytes.find('\0'), bytes.size());
  std::ofstream(stem + ".hdr", std::ios::binary) << bytes.substr(0, split);
  std::ofstream(stem + ".cfl", std::ios::binary) << bytes.substr(std::min(split + 1, bytes.size()));
  try {
    ambient::io::read_cfl(stem);
  } catch (const ambient::Error&) {
  }
  return 0;
}
