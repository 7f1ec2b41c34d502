// Options shared by the subcommands (see cli_common.hpp).
#include "cli_common.hpp"

#include <cstdio>
#include <map>

#include "ambient/core/error.hpp"
#include "ambient/jobs/slice_range.hpp"

namespace ambient::cli {

void add_read_options(CLI::App& c, jobs::ScanReadOptions& read) {
  c.add_flag("--remove-oversampling", read.remove_oversampling,
             "crop the readout to the header's reconstruction matrix on reading (ISMRMRD, fastMRI)");
  c.add_option("--repetition", read.ismrmrd.repetition, "ISMRMRD: which repetition to read")
      ->capture_default_str();
  c.add_option("--contrast", read.ismrmrd.contrast, "ISMRMRD: which contrast to read")
      ->capture_default_str();
  c.add_option("--group", read.ismrmrd.group, "ISMRMRD: HDF5 group of the dataset")
      ->capture_default_str();
  c.add_option("--axes", read.axes,
               "axis names of a .npy (slowest first) or .cfl (fastest first) array, from "
               "slice,coil,ky,kx (k-space) or slice,y,x (images), 1 for a singleton; "
               "e.g. --axes coil,kx,ky");
  c.add_option("--series", read.image_series, "ISMRMRD image series to read (default: the first)");
}

void add_slices_option(CLI::App& c, std::string& range) {
  c.add_option("--slices", range, "only these slices of the input, A:B[:STEP] (0-based, B excluded, "
                                  "either end optional)")
      ->check([](const std::string& v) {
        try {
          jobs::SliceRange::parse(v);
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      });
}

void add_kind_option(CLI::App& c, io::DataKind& kind) {
  const std::map<std::string, io::DataKind> names{
      {"auto", io::DataKind::automatic}, {"kspace", io::DataKind::kspace}, {"image", io::DataKind::image}};
  c.add_option("--as", kind, "treat the data as kspace or image (default: auto, complex arrays as k-space)")
      ->transform(CLI::CheckedTransformer(names));
}

void add_espirit_options(CLI::App& c, recon::EspiritOptions& e) {
  c.add_option("--kernel", e.kernel, "ESPIRiT kernel size (bart ecalib -k)")->capture_default_str();
  c.add_option("--calibration", e.calibration, "largest ESPIRiT calibration block (bart ecalib -r)")
      ->capture_default_str();
  c.add_option("--threshold", e.threshold, "ESPIRiT singular-value threshold (bart ecalib -t)")
      ->capture_default_str();
  c.add_option("--eigen-crop", e.crop, "zero the maps where the eigenvalue is below this (bart ecalib -c)")
      ->capture_default_str();
  c.add_flag("--absorb-phase,!--keep-phase", e.absorb_phase,
             "rotate the maps by the low-resolution image's phase so the images are nearly real (the phase "
             "moves into the maps; the measurement model is unchanged). Default: on for training, off "
             "otherwise; a prior's own setting wherever one is used");
}

void add_mask_options(CLI::App& c, recon::MaskOptions& m) {
  c.add_option("--accel", m.acceleration, "acceleration of a generated mask (as measured)")->capture_default_str();
  c.add_option("--acs", m.calibration, "ACS lines (1D patterns) or calibration square side (poisson)")
      ->capture_default_str();
  c.add_option("--seed", m.seed, "random seed of the mask")->capture_default_str();
}

std::pair<int64_t, int64_t> parse_size(const std::string& text) {
  const auto x = text.find_first_of("xX");
  try {
    if (x == std::string::npos) return {std::stoll(text), std::stoll(text)};
    return {std::stoll(text.substr(0, x)), std::stoll(text.substr(x + 1))};
  } catch (const std::exception&) {
    throw Error("'" + text + "' is not a size (N or NYxNX)");
  }
}

std::string metrics_table(const recon::Metrics& m) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-8s %-10s %-10s %-10s\n%-8.3f %-10.4f %-10.5f %-10.5f\n", "PSNR dB",
                "SSIM", "NMSE", "NRMSE", m.psnr, m.ssim, m.nmse, m.nrmse);
  return buf;
}

void add_write_options(CLI::App& c, io::WriteOptions& write) {
  c.add_flag("-f,--force", write.overwrite, "overwrite existing output files");
  c.add_option("--format", write.format,
               "output format when the extension does not say: ismrmrd, fastmri, cfl, npy, "
               "nifti, png")
      ->check(CLI::IsMember({"ismrmrd", "fastmri", "cfl", "npy", "nifti", "png"}));
  c.add_option("--png-bits", write.png.bits, "PNG depth, 8 or 16")->check(CLI::IsMember({8, 16}))
      ->capture_default_str();
  c.add_option("--window", [&write](const CLI::results_t& r) {
       write.png.window_low = std::stof(r.at(0));
       write.png.window_high = std::stof(r.at(1));
       return true;
     }, "PNG window LOW HIGH on the magnitude (default: 0 to the 99.5th percentile)")
      ->expected(2)
      ->type_name("LOW HIGH");
}

}  // namespace ambient::cli
