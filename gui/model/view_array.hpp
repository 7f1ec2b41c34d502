#pragma once
// What a viewer panel shows: an N-D array (complex or real) with named axes, and the 2D
// plane of it that a position selects. Pure data: no widgets, so tests need no display.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ambient::gui {

// What an array is: decides the default display (k-space: log-magnitude, difference: a
// diverging map with a symmetric window) and which comparison actions apply.
enum class ViewKind { image, kspace, mask, uncertainty, difference };

struct ViewArray {
  at::Tensor data;                // any rank >= 2, CPU, complex64 or float32
  std::vector<std::string> axes;  // one name per dimension, slowest first
  std::string title;
  ViewKind kind = ViewKind::image;
  std::string source_path;        // the file it came from (reconstructions: their input scan)
  // What a saved image keeps of its origin (io::ImageVolume's metadata).
  std::array<float, 3> voxel_mm{1, 1, 1};
  std::string header_xml;
  // A k-space file's own reference image series (fastMRI's reconstruction_rss, ISMRMRD
  // images): what a comparison against that scan uses.
  bool scan_reference = false;

  int64_t rank() const { return data.dim(); }
  int64_t size(int64_t axis) const { return data.size(axis); }
};

// Which plane: the axes drawn as x and y, and an index along every axis (those of x and y
// are ignored).
struct ViewPosition {
  int64_t x_axis = -1, y_axis = -1;
  std::vector<int64_t> index;
};

// The default position: the last axis as x, the one before as y, index 0 elsewhere.
ViewPosition default_position(const ViewArray& array);
// Throws Error unless the axes are distinct and in range and every index is in range.
void check_position(const ViewArray& array, const ViewPosition& position);

// The [height, width] plane (complex64) at `position`, y down the rows, x along them.
at::Tensor plane(const ViewArray& array, const ViewPosition& position);

// An array of complex64 or float32 from any tensor of the given axes (bool: 0/1 floats).
ViewArray make_view(const at::Tensor& data, std::vector<std::string> axes, std::string title,
                    ViewKind kind, std::string source_path = {});

}  // namespace ambient::gui
