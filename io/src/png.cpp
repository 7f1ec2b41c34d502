#include "ambient/io/png.hpp"

#include <ATen/ATen.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"

namespace ambient::io {

namespace {

// Slices tiled into a near-square grid.
at::Tensor montage(const at::Tensor& slices) {
  const int64_t n = slices.size(0), ny = slices.size(1), nx = slices.size(2);
  if (n == 1) return slices[0];
  const auto cols = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int64_t rows = (n + cols - 1) / cols;
  at::Tensor grid = at::zeros({rows * ny, cols * nx}, slices.options());
  for (int64_t i = 0; i < n; ++i)
    grid.narrow(0, (i / cols) * ny, ny).narrow(1, (i % cols) * nx, nx).copy_(slices[i]);
  return grid;
}

}  // namespace

void write_png(const std::string& path, const ImageVolume& image, const PngOptions& options,
               bool overwrite) {
  validate(image, path);
  if (options.bits != 8 && options.bits != 16) throw FileError(path, "PNG depth must be 8 or 16 bits");
  const at::Tensor magnitude = montage(at::abs(image.data).to(at::kFloat));
  float lo = options.window_low, hi = options.window_high;
  if (lo == hi) {
    lo = 0;
    hi = at::quantile(magnitude.flatten(), 0.995).item<float>();
    if (hi <= 0) hi = magnitude.max().item<float>();
    if (hi <= 0) hi = 1;
  }
  const double top = options.bits == 8 ? 255 : 65535;
  const at::Tensor levels = ((magnitude - lo) / (hi - lo)).clamp(0, 1).mul(top).round().to(at::kInt).contiguous();
  const int64_t height = levels.size(0), width = levels.size(1);

  OutputFile file(path, overwrite);
  std::unique_ptr<FILE, int (*)(FILE*)> fp(std::fopen(file.temp_path().c_str(), "wb"), std::fclose);
  if (!fp) throw FileError(path, "cannot be created");
  const int bytes = options.bits / 8;
  std::vector<png_byte> row(static_cast<size_t>(width) * bytes);  // before setjmp: longjmp skips destructors
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) throw FileError(path, "libpng could not start");
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw FileError(path, "libpng failed while writing");
  }
  png_init_io(png, fp.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
               options.bits, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const int* src = levels.data_ptr<int>();
  for (int64_t y = 0; y < height; ++y) {
    for (int64_t x = 0; x < width; ++x) {
      const int v = src[y * width + x];
      if (bytes == 1) {
        row[x] = static_cast<png_byte>(v);
      } else {  // PNG stores 16-bit samples big-endian
        row[2 * x] = static_cast<png_byte>(v >> 8);
        row[2 * x + 1] = static_cast<png_byte>(v & 0xff);
      }
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(fp.get()) != 0) throw FileError(path, "write failed (disk full?)");
  fp.reset();
  file.commit();
}

}  // namespace ambient::io
