// ambient convert IN OUT: any readable format to any writable one.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/convert.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_convert(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::string input, output;
    jobs::ScanReadOptions read;
    io::WriteOptions write;
    io::DataKind kind = io::DataKind::automatic;
    std::string slices;
    std::string reference;
  };
  auto args = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("convert", "convert a file to another format");
  c->footer(
      "K-space stays k-space between ISMRMRD (.h5), fastMRI "
      "(.h5 with --format fastmri), BART (.cfl) and NumPy (.npy); unmeasured samples are written "
      "as zeros. Images convert between NIfTI (.nii, .nii.gz), ISMRMRD image series, .cfl, .npy "
      "and PNG. The output is written under a temporary name and moved into place when complete; "
      "an existing output is kept unless --force is given.\n\n"
      "Examples:\n  ambient convert --axes coil,kx,ky ksp.npy ksp.h5\n"
      "  ambient convert ksp.h5 ksp-fastmri.h5 --format fastmri\n  ambient convert t1.nii.gz t1.cfl\n"
      "  ambient convert --axes kx,ky,coil noisy.cfl noisy.h5 --reference clean-rss.npy");
  c->add_option("input", args->input, "file to read")->required();
  c->add_option("output", args->output, "file to write (format from the extension or --format)")->required();
  add_kind_option(*c, args->kind);
  add_slices_option(*c, args->slices);
  c->add_option("--reference", args->reference,
                "k-space output (ISMRMRD, fastMRI): this image file's magnitude as the scan's reference image, "
                "what `ambient recon --reference auto` compares with (e.g. the noise-free image of a noisy copy)");
  add_read_options(*c, args->read);
  add_write_options(*c, args->write);
  c->callback([args, &global] {
    const auto result = jobs::convert(args->input, args->output, args->read, args->write, args->kind, args->slices,
                                      args->reference);
    for (const auto& lost : result.dropped)
      spdlog::warn("{}: the output format cannot hold the {}; not written", args->output, lost);
    const char* what = result.kind == io::DataKind::kspace ? "k-space" : "image";
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"input", args->input}, {"output", args->output},
                                          {"kind", what}, {"dropped", result.dropped}})
                              .dump(2)
                              .c_str());
    else
      spdlog::info("wrote {} ({})", args->output, what);
  });
}

}  // namespace ambient::cli
