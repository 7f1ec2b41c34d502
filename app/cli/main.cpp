// The `ambient` command: every subcommand's --help is its manual.
#include <c10/util/Exception.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <map>

#include "ambient/core/allocator.hpp"
#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"
#include "cli_common.hpp"

namespace {

// The libraries name the setting an error is about in their own words
// (core/setting_error.hpp); the message gains the flag that sets it here.
std::string with_flag(const ambient::Error& e) {
  static const std::map<std::string, std::string> flags = {
      {"overwrite", "--force"}, {"axes", "--axes"},       {"format", "--format"},
      {"calibration", "--acs"}, {"batch", "--batch"},     {"samples", "--samples"},
      {"zeta", "--zeta"},       {"churn", "--churn"},     {"view_acceleration", "--view-accel"},
      {"device", "--device"},   {"prior", "--prior"},     {"iterations", "--iterations"}, {"precision", "--precision"}};
  const auto* cause = dynamic_cast<const ambient::SettingCause*>(&e);
  const auto flag = cause ? flags.find(cause->setting()) : flags.end();
  return flag == flags.end() ? e.what() : std::string(e.what()) + " (" + flag->second + ")";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ambient::cli;
  ambient::reuse_freed_memory();
  GlobalOptions global;
  CLI::App app(
      "Ambient: MRI reconstruction with diffusion priors learned from corrupted data.\n"
      "Reads multi-coil Cartesian k-space (ISMRMRD, fastMRI HDF5, BART cfl, NumPy) and image "
      "volumes (NIfTI), simulates acquisitions, reconstructs them, and trains diffusion priors on them. Run `ambient COMMAND "
      "--help` for each command's manual.",
      "ambient");
  app.set_version_flag("--version", "ambient 0.1.0");
  app.add_flag("-q,--quiet", global.quiet, "print errors only");
  app.add_flag("--json", global.json, "print results as JSON on stdout, progress as JSON lines on stderr");
  app.add_flag("-v,--verbose", global.verbose, "print debug messages");
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand too
  register_info(app, global);
  register_convert(app, global);
  register_recon(app, global);
  register_simulate(app, global);
  register_mask(app, global);
  register_espirit(app, global);
  register_metrics(app, global);
  register_train(app, global);
  register_finetune(app, global);
  register_sample(app, global);
  register_audit(app, global);
  register_evaluate_prior(app, global);
  register_export_prior(app, global);
  app.parse_complete_callback([&] {
    auto logger = spdlog::stderr_color_mt("ambient");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%^%l%$: %v");
    spdlog::set_level(global.quiet ? spdlog::level::err
                      : global.verbose ? spdlog::level::debug
                                       : spdlog::level::info);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ambient::Cancelled&) {
    spdlog::error("cancelled");
    return 130;
  } catch (const ambient::Error& e) {
    spdlog::error("{}", with_flag(e));
    return 1;
  } catch (const c10::Error& e) {  // LibTorch's, whose backtrace is for a bug report (--verbose)
    spdlog::critical("internal error: {}", e.what_without_backtrace());
    spdlog::debug("{}", e.what());
    return 3;
  } catch (const std::exception& e) {  // a library failure we did not anticipate
    spdlog::critical("internal error: {}", e.what());
    return 3;
  }
  return 0;
}
