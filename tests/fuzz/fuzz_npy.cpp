// libFuzzer target: arbitrary bytes as a NumPy .npy file. Any outcome but a tensor or an
// ambient::Error (a crash, a sanitizer report, another exception) is a bug.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "ambient/core/error.hpp"
#include "ambient/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/ambient-fuzz-npy-" + std::to_string(::getpid()) + ".npy";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    ambient::io::read_npy(path);
  } catch (const ambient::Error&) {
  }
  return 0;
}
