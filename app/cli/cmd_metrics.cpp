// ambient metrics: compare an image with a reference.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/calibrate.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_metrics(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::string reference, image, crop;
    recon::MetricOptions options;
    jobs::ScanReadOptions read;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("metrics", "compare an image with a reference");
  c->footer(
      "Compares the magnitudes of two image files of the same shape with fastMRI's metrics: "
      "NMSE and NRMSE over the volume, PSNR with the reference volume's maximum as data range, "
      "SSIM as scikit-image computes it (7x7 window) averaged over slices.\n\n"
      "Example: ambient metrics reference.nii.gz cs.nii.gz --crop 160");
  c->add_option("reference", a->reference, "reference image")->required();
  c->add_option("image", a->image, "image to score")->required();
  c->add_flag("--per-slice-range", a->options.per_slice_range,
              "SSIM/PSNR data range from each slice's maximum instead of the volume's");
  c->add_option("--crop", a->crop, "centre-crop both images first, N or NYxNX");
  add_read_options(*c, a->read);
  c->callback([a, &global] {
    if (!a->crop.empty()) std::tie(a->options.crop_y, a->options.crop_x) = parse_size(a->crop);
    const auto m = jobs::compare_files(a->reference, a->image, a->options, a->read);
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"reference", a->reference}, {"image", a->image}, {"psnr_db", m.psnr},
                                          {"ssim", m.ssim}, {"nmse", m.nmse}, {"nrmse", m.nrmse}})
                              .dump(2).c_str());
    else
      std::printf("%s", metrics_table(m).c_str());
  });
}

}  // namespace ambient::cli
