#include "ismrmrd_header.hpp"

#include <ismrmrd/xml.h>

#include <sstream>

#include "ambient/core/error.hpp"

namespace ambient::io {

namespace {

const char* trajectory_name(ISMRMRD::TrajectoryType t) {
  switch (t) {
    case ISMRMRD::TrajectoryType::CARTESIAN: return "cartesian";
    case ISMRMRD::TrajectoryType::EPI: return "epi";
    case ISMRMRD::TrajectoryType::RADIAL: return "radial";
    case ISMRMRD::TrajectoryType::GOLDENANGLE: return "goldenangle";
    case ISMRMRD::TrajectoryType::SPIRAL: return "spiral";
    default: return "other";
  }
}

ISMRMRD::IsmrmrdHeader parse(const std::string& xml, const std::string& path) {
  ISMRMRD::IsmrmrdHeader h;
  try {
    ISMRMRD::deserialize(xml.c_str(), h);
  } catch (const std::exception& e) {
    throw FileError(path, std::string("ISMRMRD XML header cannot be parsed: ") + e.what());
  }
  if (h.encoding.empty()) throw FileError(path, "ISMRMRD header has no <encoding>");
  return h;
}

}  // namespace

HeaderSummary summarize_header(const std::string& xml, const std::string& path) {
  const ISMRMRD::IsmrmrdHeader h = parse(xml, path);
  const ISMRMRD::Encoding& e = h.encoding[0];
  if (e.trajectory != ISMRMRD::TrajectoryType::CARTESIAN)
    throw FileError(path, std::string("trajectory '") + trajectory_name(e.trajectory) +
                              "' is not supported: Ambient reads Cartesian k-space only");
  HeaderSummary s;
  const auto& enc = e.encodedSpace;
  const auto& rec = e.reconSpace;
  s.geometry.encoded_matrix = {enc.matrixSize.x, enc.matrixSize.y, enc.matrixSize.z};
  s.geometry.recon_matrix = {rec.matrixSize.x, rec.matrixSize.y, rec.matrixSize.z};
  s.geometry.encoded_fov_mm = {enc.fieldOfView_mm.x, enc.fieldOfView_mm.y, enc.fieldOfView_mm.z};
  s.geometry.recon_fov_mm = {rec.fieldOfView_mm.x, rec.fieldOfView_mm.y, rec.fieldOfView_mm.z};
  if (enc.matrixSize.z > 1)
    throw FileError(path, "3D encoding (matrix z = " + std::to_string(enc.matrixSize.z) +
                              ") is not supported: Ambient reads 2D multi-slice k-space");
  if (enc.matrixSize.x < 1 || enc.matrixSize.y < 1 || enc.matrixSize.x > 65535 ||
      enc.matrixSize.y > 65535)
    throw FileError(path, "absurd encoded matrix " + std::to_string(enc.matrixSize.x) + " x " +
                              std::to_string(enc.matrixSize.y));
  const auto& step1 = e.encodingLimits.kspace_encoding_step_1;
  s.ky_center = step1.is_present() ? step1->center : enc.matrixSize.y / 2;
  if (h.acquisitionSystemInformation.is_present() &&
      h.acquisitionSystemInformation->receiverChannels.is_present())
    s.coils = *h.acquisitionSystemInformation->receiverChannels;
  return s;
}

std::string header_for(const KSpace& k) {
  ISMRMRD::IsmrmrdHeader h;
  if (!k.header_xml.empty()) {
    try {
      ISMRMRD::deserialize(k.header_xml.c_str(), h);
    } catch (const std::exception&) {
      h = ISMRMRD::IsmrmrdHeader();  // an unreadable header is replaced, not propagated
    }
  }
  if (h.encoding.empty()) {
    h.encoding.resize(1);
    // The schema requires a field strength; a file without a header does not say, so 3 T.
    h.experimentalConditions.H1resonanceFrequency_Hz = 127730000;
  }
  ISMRMRD::Encoding& e = h.encoding[0];
  e.trajectory = ISMRMRD::TrajectoryType::CARTESIAN;

  const auto nx = static_cast<unsigned short>(k.nx());
  const auto ny = static_cast<unsigned short>(k.ny());
  const Geometry& g = k.geometry;
  // Keep the header's fields of view where the matrix is unchanged; else 1 mm voxels.
  const bool same = g.encoded_matrix[0] == k.nx() && g.encoded_matrix[1] == k.ny();
  e.encodedSpace.matrixSize = {nx, ny, 1};
  e.encodedSpace.fieldOfView_mm = same ? ISMRMRD::FieldOfView_mm{g.encoded_fov_mm[0], g.encoded_fov_mm[1], g.encoded_fov_mm[2]}
                                       : ISMRMRD::FieldOfView_mm{float(nx), float(ny), 1.f};
  const bool same_recon = g.recon_matrix[0] > 0 && g.recon_matrix[0] <= k.nx() && g.recon_matrix[1] > 0;
  e.reconSpace.matrixSize = same_recon ? ISMRMRD::MatrixSize{static_cast<unsigned short>(g.recon_matrix[0]), static_cast<unsigned short>(g.recon_matrix[1]), 1}
                                       : ISMRMRD::MatrixSize{nx, ny, 1};
  e.reconSpace.fieldOfView_mm = same_recon ? ISMRMRD::FieldOfView_mm{g.recon_fov_mm[0], g.recon_fov_mm[1], g.recon_fov_mm[2]}
                                           : e.encodedSpace.fieldOfView_mm;
  if (e.encodedSpace.fieldOfView_mm.x <= 0) e.encodedSpace.fieldOfView_mm = {float(nx), float(ny), 1.f};
  if (e.reconSpace.fieldOfView_mm.x <= 0) e.reconSpace.fieldOfView_mm = e.encodedSpace.fieldOfView_mm;

  ISMRMRD::Limit step1;
  step1.minimum = 0;
  step1.maximum = ny - 1;
  step1.center = ny / 2;
  e.encodingLimits = ISMRMRD::EncodingLimits();
  e.encodingLimits.kspace_encoding_step_1 = step1;
  ISMRMRD::Limit slice;
  slice.maximum = static_cast<unsigned short>(k.slices() - 1);
  slice.center = 0;
  e.encodingLimits.slice = slice;

  if (!h.acquisitionSystemInformation.is_present())
    h.acquisitionSystemInformation = ISMRMRD::AcquisitionSystemInformation();
  h.acquisitionSystemInformation->receiverChannels = static_cast<unsigned short>(k.coils());

  std::ostringstream xml;
  ISMRMRD::serialize(h, xml);
  return xml.str();
}

}  // namespace ambient::io
