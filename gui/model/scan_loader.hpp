#pragma once
// Opening files for viewing (every format Ambient reads, as the arrays worth showing) and
// saving an image panel (every format Ambient writes).
#include <string>
#include <vector>

#include "view_array.hpp"

namespace ambient::gui {

// K-space files give their coil-combined image (root-sum-of-squares of the zero-filled
// coil images) first, then the file's reference image if it has one, the k-space
// [slice, coil, ky, kx] and the sampling mask. Image files (reconstructions, NIfTI, PNG,
// ISMRMRD images) give their volume. Plain arrays (.npy, .cfl) are read as k-space when
// they fit its layout, else as images. Throws FileError naming the file otherwise.
std::vector<ViewArray> open_views(const std::string& path);

// Writes a [slice, y, x] array as an image volume with its voxel sizes and header, in the
// format the name's extension says; an existing file is replaced only when `overwrite`.
// Throws Error for other arrays (k-space, samples) and FileError for the file's problems.
void save_view(const std::string& path, const ViewArray& view, bool overwrite);

// The file name without folders, for titles.
std::string file_label(const std::string& path);

}  // namespace ambient::gui
