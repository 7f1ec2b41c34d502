#include "ambient/io/npy.hpp"

#include <ATen/ATen.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "file_checks.hpp"

namespace ambient::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMaxHeaderBytes = 1 << 20;

struct NpyHeader {
  at::ScalarType stored;   // dtype as on disk
  bool fortran_order = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

// The header is a Python dict literal; NumPy writes its three keys in a fixed form.
NpyHeader parse_header(const std::string& path) {
  require_regular_file(path);
  std::ifstream in(path, std::ios::binary);
  char preamble[10] = {};
  if (!in.read(preamble, 8) || std::memcmp(preamble, kMagic, 6) != 0)
    throw FileError(path, "not a NumPy .npy file (bad magic bytes)");
  const int major = static_cast<unsigned char>(preamble[6]);
  size_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) throw FileError(path, "truncated .npy header");
    header_len = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) throw FileError(path, "truncated .npy header");
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
  } else {
    throw FileError(path, ".npy format version " + std::to_string(major) + " is not supported");
  }
  if (header_len > kMaxHeaderBytes) throw FileError(path, "absurd .npy header length");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    throw FileError(path, "truncated .npy header");

  NpyHeader h;
  h.data_offset = static_cast<size_t>(in.tellg());

  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")))
    throw FileError(path, ".npy header has no 'descr'");
  const std::string descr = m[1];
  if (descr == "<c8") h.stored = at::kComplexFloat;
  else if (descr == "<c16") h.stored = at::kComplexDouble;
  else if (descr == "<f4") h.stored = at::kFloat;
  else if (descr == "<f8") h.stored = at::kDouble;
  else
    throw FileError(path, "dtype '" + descr +
                              "' is not supported (expected little-endian complex64, complex128, "
                              "float32 or float64)");

  if (!std::regex_search(header, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")))
    throw FileError(path, ".npy header has no 'fortran_order'");
  h.fortran_order = m[1] == "True";

  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
    throw FileError(path, ".npy header has no 'shape'");
  const std::string dims = m[1];
  const std::regex number(R"(\s*(-?\d+)\s*(,|$))");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[1];
    if (digits.size() > 18) throw FileError(path, "absurd dimension " + digits);
    h.shape.push_back(std::stoll(digits));
  }
  return h;
}

}  // namespace

std::vector<int64_t> read_npy_shape(const std::string& path) { return parse_header(path).shape; }

at::Tensor read_npy(const std::string& path) {
  const NpyHeader h = parse_header(path);
  const int64_t item = static_cast<int64_t>(c10::elementSize(h.stored));
  const int64_t count = checked_element_count(h.shape, item, path);
  const auto bytes = std::filesystem::file_size(path);
  if (bytes < h.data_offset + static_cast<uint64_t>(count * item))
    throw FileError(path, "truncated: shape needs " + std::to_string(count * item) +
                              " bytes of data, the file has " +
                              std::to_string(bytes - h.data_offset));

  // Fortran order is C order of the reversed shape; read that, then transpose back.
  std::vector<int64_t> stored_shape = h.shape;
  if (h.fortran_order) std::reverse(stored_shape.begin(), stored_shape.end());
  at::Tensor raw = at::empty(stored_shape, h.stored);
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(h.data_offset));
  if (!in.read(static_cast<char*>(raw.data_ptr()), static_cast<std::streamsize>(count * item)))
    throw FileError(path, "read failed");
  if (h.fortran_order) {
    std::vector<int64_t> reverse(raw.dim());
    for (int64_t i = 0; i < raw.dim(); ++i) reverse[i] = raw.dim() - 1 - i;
    raw = raw.permute(reverse);
  }
  const auto target = at::isComplexType(h.stored) ? at::kComplexFloat : at::kFloat;
  return raw.to(target).contiguous();
}

void write_npy(const std::string& path, const at::Tensor& array, bool overwrite) {
  const at::Tensor data = array.to(at::kCPU).contiguous();
  std::string descr;
  if (data.scalar_type() == at::kComplexFloat) descr = "<c8";
  else if (data.scalar_type() == at::kFloat) descr = "<f4";
  else throw FileError(path, "only complex64 and float32 arrays are written as .npy");

  std::string shape;  // as Python prints a tuple: (), (3,), (3, 4)
  for (int64_t i = 0; i < data.dim(); ++i) shape += (i ? ", " : "") + std::to_string(data.size(i));
  if (data.dim() == 1) shape += ",";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
                       shape + "), }";
  const size_t unpadded = 10 + header.size() + 1;  // magic+version+len, header, '\n'
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';

  OutputFile file(path, overwrite);
  std::ofstream out(file.temp_path(), std::ios::binary);
  out.write(kMagic, 6);
  const unsigned char version[2] = {1, 0};
  out.write(reinterpret_cast<const char*>(version), 2);
  const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(len), 2);
  out << header;
  out.write(static_cast<const char*>(data.data_ptr()),
            static_cast<std::streamsize>(data.numel() * data.element_size()));
  if (!out.flush()) throw FileError(path, "write failed (disk full?)");
  out.close();
  file.commit();
}

}  // namespace ambient::io
