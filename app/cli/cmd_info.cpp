// ambient info FILE...: what a file holds.
#include <cstdio>

#include "ambient/jobs/info.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_info(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::vector<std::string> files;
    jobs::ScanReadOptions read;
    bool header = false;
    io::DataKind kind = io::DataKind::automatic;
  };
  auto args = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("info", "show what a file holds");
  c->footer(
      "Shows format, dimensions, coils, slices, sampling (acceleration as measured, 1D lines "
      "or 2D points, the fully sampled calibration region), noise scans, reference image and "
      "header geometry. Reads every format Ambient knows: ISMRMRD and fastMRI HDF5, BART "
      ".cfl/.hdr, NumPy .npy, NIfTI. Complex .npy/.cfl arrays are described as k-space; name "
      "their axes with --axes.\n\nExample: ambient info data-samples/brain-8ch.h5");
  c->add_option("files", args->files, "files to describe")->required()->check(CLI::ExistingPath);
  c->add_flag("--header", args->header, "include the full ISMRMRD XML header");
  add_kind_option(*c, args->kind);
  add_read_options(*c, args->read);
  c->callback([args, &global] {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& f : args->files) {
      const nlohmann::json d = jobs::describe_file(f, args->read, args->kind, args->header);
      if (global.json) all.push_back(d);
      else std::printf("%s\n", jobs::format_description(d).c_str());
    }
    if (global.json) std::printf("%s\n", (all.size() == 1 ? all[0] : all).dump(2).c_str());
  });
}

}  // namespace ambient::cli
