#include "ambient/jobs/info.hpp"

#include <ATen/ATen.h>

#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/jobs/prior_tools.hpp"
#include "ambient/recon/mask_analysis.hpp"
#include "ambient/recon/readout.hpp"

namespace ambient::jobs {

namespace {

using nlohmann::json;

json describe_kspace(const io::KSpace& k, bool with_header) {
  json out;
  out["kind"] = "kspace";
  out["shape"] = {{"slices", k.slices()}, {"coils", k.coils()}, {"ky", k.ny()}, {"kx", k.nx()}};
  const at::Tensor first = k.mask[0];
  const auto acs = recon::calibration_region(first);
  out["sampling"] = {
      {"acceleration", k.acceleration()},
      {"measured_fraction", 1.0 / std::max(k.acceleration(), 1e-12)},
      {"pattern", recon::is_line_mask(first) ? "1d-lines" : "2d-points"},
      {"measured_lines", first.any(-1).sum().item<int64_t>()},
      {"calibration_region", {{"ky_begin", acs.ky_begin}, {"ky_size", acs.ky_size},
                              {"kx_begin", acs.kx_begin}, {"kx_size", acs.kx_size}}},
      {"flagged_calibration_lines", k.calibration_lines.size()},
  };
  if (k.noise.defined())
    out["noise_scans"] = {{"samples_per_coil", k.noise.size(1)},
                          {"dwell_time_us", k.noise_dwell_time_us},
                          {"std", at::std(at::view_as_real(k.noise)).item<double>()}};
  if (k.reference.defined())
    out["reference"] = {{"slices", k.reference.size(0)}, {"y", k.reference.size(1)},
                        {"x", k.reference.size(2)}};
  const auto& g = k.geometry;
  if (g.encoded_matrix[0] > 0)
    out["geometry"] = {{"encoded_matrix", g.encoded_matrix}, {"recon_matrix", g.recon_matrix},
                       {"encoded_fov_mm", g.encoded_fov_mm}, {"recon_fov_mm", g.recon_fov_mm}};
  out["max_magnitude"] = at::abs(k.data).max().item<double>();
  if (with_header && !k.header_xml.empty()) out["header_xml"] = k.header_xml;
  return out;
}

json describe_image(const io::ImageVolume& im) {
  const at::Tensor magnitude = at::abs(im.data);
  return {{"kind", "image"},
          {"shape", {{"slices", im.slices()}, {"y", im.ny()}, {"x", im.nx()}}},
          {"dtype", at::isComplexType(im.data.scalar_type()) ? "complex64" : "float32"},
          {"voxel_mm", im.voxel_mm},
          {"magnitude_range", {magnitude.min().item<double>(), magnitude.max().item<double>()}}};
}

void print(std::ostringstream& out, const json& j, int indent) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    out << std::string(indent, ' ') << it.key() << ":";
    if (it->is_object()) {
      out << "\n";
      print(out, *it, indent + 2);
    } else if (it->is_string()) {
      const std::string s = it->get<std::string>();
      out << (s.find('\n') == std::string::npos ? " " + s : "\n" + s) << "\n";
    } else {
      out << " " << it->dump() << "\n";
    }
  }
}

}  // namespace

json describe_file(const std::string& path, const ScanReadOptions& options, io::DataKind kind,
                   bool with_header) {
  if (is_prior_file(path)) {
    json out = {{"path", path}};  // the description names its format: ambient-prior
    json d = read_prior_description(path);
    d["data"].erase("files");  // the manifest's file list can be long: `data_hash` names it
    out.update(d);
    return out;
  }
  const io::FileFormat format = io::detect_format(path);
  json out = {{"path", path}, {"format", io::format_name(format)}};
  if (kind == io::DataKind::image) {
    out.update(describe_image(io::read_image(path, options)));
    return out;
  }
  if (kind == io::DataKind::kspace) {
    out.update(describe_kspace(read_scan(path, options), with_header));
    return out;
  }
  if (format == io::FileFormat::ismrmrd) {
    const auto series = io::ismrmrd_image_series(path, options.ismrmrd.group);
    if (!series.empty()) out["image_series"] = series;
    io::IsmrmrdCounts counts;
    try {
      io::KSpace k = io::read_ismrmrd(path, options.ismrmrd, &counts);
      if (options.remove_oversampling) recon::remove_readout_oversampling(k);
      out.update(describe_kspace(k, with_header));
    } catch (const FileError&) {
      if (series.empty()) throw;  // an image-only ISMRMRD file (a reconstruction)
      out.update(describe_image(io::read_ismrmrd_images(path, options.image_series, options.ismrmrd.group)));
      return out;
    }
    out["acquisitions"] = {{"imaging", counts.acquisitions}, {"noise", counts.noise},
                           {"calibration_only", counts.calibration}, {"ignored", counts.ignored},
                           {"repetitions", counts.repetitions}, {"contrasts", counts.contrasts},
                           {"averages", counts.averages}};
    return out;
  }
  if (io::holds_kspace(format)) {
    // Plain arrays (.npy, .cfl) may hold k-space or images: complex data is taken as
    // k-space unless it does not fit the k-space layout.
    try {
      out.update(describe_kspace(read_scan(path, options), with_header));
      return out;
    } catch (const FileError&) {
      if (format == io::FileFormat::fastmri) throw;
    }
  }
  out.update(describe_image(io::read_image(path, options)));
  return out;
}

std::string format_description(const json& description) {
  std::ostringstream out;
  print(out, description, 0);
  return out.str();
}

}  // namespace ambient::jobs
