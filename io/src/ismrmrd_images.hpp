#pragma once
// Appends an image series to an existing (or new) ISMRMRD file in place (private to io/;
// public writers go through OutputFile first).
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

void append_ismrmrd_images(const std::string& path, const ImageVolume& image,
                           const std::string& series);

}  // namespace ambient::io
