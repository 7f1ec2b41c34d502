// ambient simulate: multi-coil k-space from images.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/core/error.hpp"
#include "ambient/jobs/simulate.hpp"
#include "ambient/jobs/slice_range.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

// One declaration per option, in the order --help lists them (a little over 60 lines).
void register_simulate(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::SimulateRequest>();
  auto slices = std::make_shared<std::string>();
  auto orientation = std::make_shared<std::string>("axial");
  CLI::App* c = app.add_subcommand("simulate", "simulate multi-coil k-space from images");
  c->footer(
      "Simulates a multi-coil Cartesian acquisition from images: magnitude images get a smooth "
      "random phase, each slice is multiplied by coil sensitivities (an analytic birdcage "
      "array of --coils loops, a new random array for every slice with --random-coils, or --maps "
      "from a file), Fourier transformed (centred, "
      "orthonormal) and given complex Gaussian noise of standard deviation --noise per sample "
      "(images are first scaled to a maximum magnitude of 1). Noise-only scans at the same level "
      "and the magnitude reference image are stored with the k-space. Fully sampled; undersample "
      "it in `ambient recon` or training. The same --seed gives the same output.\n\n"
      "Example: ambient simulate /usr/share/mricron/templates/ch2better.nii.gz --slices 150:190:2 "
      "--matrix 128 --coils 8 --noise 0.005 -o sim.h5");
  c->add_option("input", r->input, "image volume (.nii, .nii.gz, .cfl, .npy, ISMRMRD images); "
                                    "omit for the built-in Shepp-Logan phantom");
  c->add_option("-o,--output", r->output, "k-space file to write (.h5 ISMRMRD, or fastMRI with "
                                          "--format fastmri; .cfl; .npy)")->required();
  c->add_option("--phantom-size", r->phantom_size, "matrix of the built-in phantom")->capture_default_str();
  c->add_option("--orientation", *orientation, "slice direction through a 3D volume")
      ->check(CLI::IsMember({"axial", "coronal", "sagittal"}))->capture_default_str();
  c->add_option("--slices", *slices, "slices to take along the slice direction, A:B[:STEP]");
  c->add_option("--min-signal", r->min_signal,
                "skip slices whose mean magnitude is below this fraction of the volume's mean")
      ->capture_default_str();
  c->add_option("--matrix", r->matrix, "resample each slice (zero-padded to a square) to N x N")
      ->capture_default_str();
  c->add_option("--coils", r->coils, "number of coils")->capture_default_str();
  c->add_flag("--random-coils", r->random_coils,
              "a new random coil array for every slice (loops on an ellipse of random size, "
              "positions, falloff and gains) instead of the fixed birdcage");
  c->add_option("--maps", r->maps, "coil maps to use instead of the birdcage model (.cfl as BART "
                                    "writes them, or .npy [coil, y, x])");
  c->add_option("--write-maps", r->write_maps, "also write the coil maps used (.cfl or .npy)");
  c->add_option("--phase", r->phase_radians, "peak of the smooth random phase in radians")->capture_default_str();
  c->add_option("--noise", r->noise, "standard deviation of the complex noise per k-space sample")
      ->capture_default_str();
  c->add_option("--noise-samples", r->noise_samples, "noise-only samples per coil")->capture_default_str();
  c->add_option("--seed", r->seed, "random seed")->capture_default_str();
  add_write_options(*c, r->write);
  c->callback([r, slices, orientation, &global] {
    if (!slices->empty()) {
      const auto range = jobs::SliceRange::parse(*slices);
      r->slice_begin = range.begin, r->slice_end = range.end, r->slice_step = range.step;
    }
    r->orientation = *orientation == "coronal"    ? jobs::Orientation::coronal
                     : *orientation == "sagittal" ? jobs::Orientation::sagittal
                                                  : jobs::Orientation::axial;
    const auto progress = make_progress(global);
    const auto s = jobs::simulate(*r, *progress);
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"output", r->output}, {"slices", s.slices},
                                          {"coils", s.coils}, {"ny", s.ny}, {"nx", s.nx}})
                              .dump(2)
                              .c_str());
    else
      spdlog::info("wrote {}: {} slice(s), {} coils, {}x{}", r->output, s.slices, s.coils, s.ny, s.nx);
  });
}

}  // namespace ambient::cli
