#include "ambient/io/cfl.hpp"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "file_checks.hpp"

namespace ambient::io {

namespace {
constexpr int kMaxBartDims = 16;  // BART's DIMS
}

std::string cfl_stem(const std::string& base) {
  for (const char* ext : {".cfl", ".hdr"}) {
    const std::string e(ext);
    if (base.size() > e.size() && base.compare(base.size() - e.size(), e.size(), e) == 0)
      return base.substr(0, base.size() - e.size());
  }
  return base;
}

std::vector<int64_t> read_cfl_dims(const std::string& base) {
  const std::string hdr = cfl_stem(base) + ".hdr";
  require_regular_file(hdr);
  std::ifstream in(hdr);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# Dimensions", 0) != 0) continue;
    if (!std::getline(in, line)) break;
    std::istringstream fields(line);
    std::vector<int64_t> dims;
    std::string field;
    while (fields >> field) {
      int64_t d = 0;
      try {
        size_t used = 0;
        d = std::stoll(field, &used);
        if (used != field.size()) throw std::invalid_argument(field);
      } catch (const std::exception&) {
        throw FileError(hdr, "dimension '" + field + "' is not an integer");
      }
      if (d < 1) throw FileError(hdr, "dimension " + std::to_string(d) + " must be >= 1");
      dims.push_back(d);
    }
    if (dims.empty()) throw FileError(hdr, "'# Dimensions' line lists no dimensions");
    if (static_cast<int>(dims.size()) > kMaxBartDims)
      throw FileError(hdr, "lists " + std::to_string(dims.size()) + " dimensions, BART allows 16");
    return dims;
  }
  throw FileError(hdr, "no '# Dimensions' section: not a BART header");
}

at::Tensor read_cfl(const std::string& base) {
  const std::string stem = cfl_stem(base);
  const std::vector<int64_t> dims = read_cfl_dims(stem);
  const std::string cfl = stem + ".cfl";
  require_regular_file(cfl);
  const int64_t count = checked_element_count(dims, sizeof(float) * 2, cfl);
  const auto bytes = std::filesystem::file_size(cfl);
  if (bytes != static_cast<uint64_t>(count) * 8)
    throw FileError(cfl, "holds " + std::to_string(bytes) + " bytes, header dimensions need " +
                             std::to_string(count * 8) + " (truncated or mismatched .hdr)");
  std::vector<int64_t> shape(dims.rbegin(), dims.rend());
  at::Tensor out = at::empty(shape, at::kComplexFloat);
  std::ifstream in(cfl, std::ios::binary);
  if (!in.read(static_cast<char*>(out.data_ptr()), static_cast<std::streamsize>(count * 8)))
    throw FileError(cfl, "read failed");
  return out;
}

void write_cfl(const std::string& base, const at::Tensor& array, bool overwrite) {
  const std::string stem = cfl_stem(base);
  if (array.dim() > kMaxBartDims)
    throw FileError(stem + ".cfl", "BART files hold at most 16 dimensions");
  check_writable(stem + ".hdr", overwrite);
  check_writable(stem + ".cfl", overwrite);
  const at::Tensor data = array.to(at::kCPU).to(at::kComplexFloat).contiguous();

  OutputFile hdr(stem + ".hdr", overwrite), cfl(stem + ".cfl", overwrite);
  {
    std::ofstream out(hdr.temp_path());
    out << "# Dimensions\n";
    const auto sizes = data.sizes();
    for (int64_t i = data.dim() - 1; i >= 0; --i) out << sizes[i] << ' ';
    if (data.dim() == 0) out << "1 ";
    out << "\n";
    if (!out.flush()) throw FileError(hdr.path(), "write failed");
  }
  {
    std::ofstream out(cfl.temp_path(), std::ios::binary);
    out.write(static_cast<const char*>(data.data_ptr()),
              static_cast<std::streamsize>(data.numel() * 8));
    if (!out.flush()) throw FileError(cfl.path(), "write failed (disk full?)");
  }
  cfl.commit();
  hdr.commit();
}

}  // namespace ambient::io
