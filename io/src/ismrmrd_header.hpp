#pragma once
// The parts of the ISMRMRD XML header Ambient uses, parsed and written with libismrmrd
// (private to io/).
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

struct HeaderSummary {
  Geometry geometry;
  int64_t ky_center = 0;  // encoding-limits centre of kspace_encoding_step_1
  int64_t coils = 0;      // receiverChannels, 0 when absent
};

// Throws FileError(path, ...) for non-Cartesian or 3D encodings and unparsable XML.
HeaderSummary summarize_header(const std::string& xml, const std::string& path);

// An XML header describing `kspace` as stored: its own header (when it has one) with the
// matrix, limits and coil count updated to the data, or a minimal new one.
std::string header_for(const KSpace& kspace);

}  // namespace ambient::io
