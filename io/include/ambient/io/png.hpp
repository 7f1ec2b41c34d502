#pragma once
// 8- or 16-bit greyscale PNG of image magnitudes with a chosen window, through libpng.
// A volume with several slices becomes one montage, slices left to right, top to bottom.
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

struct PngOptions {
  int bits = 8;           // 8 or 16
  float window_low = 0;   // magnitudes at or below map to black
  float window_high = 0;  // at or above map to white; low == high: 0 to the 99.5th percentile
};

void write_png(const std::string& path, const ImageVolume& image, const PngOptions& options,
               bool overwrite);

}  // namespace ambient::io
