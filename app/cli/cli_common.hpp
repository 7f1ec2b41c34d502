#pragma once
// What every `ambient` subcommand shares: global flags, progress output, and the options
// for reading and writing files, declared once so help texts agree.
#include <CLI/CLI.hpp>

#include <memory>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"
#include "ambient/recon/espirit.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"

namespace ambient::cli {

struct GlobalOptions {
  bool quiet = false;    // only errors
  bool json = false;     // machine-readable: results as one JSON object on stdout,
                         // progress as JSON lines on stderr
  bool verbose = false;  // debug logging
};

// A progress reporter for the terminal: a bar with rate and ETA on a TTY, plain lines
// otherwise, JSON lines with --json, nothing with --quiet.
std::unique_ptr<Progress> make_progress(const GlobalOptions& global);

void add_read_options(CLI::App& command, jobs::ScanReadOptions& read);
void add_write_options(CLI::App& command, io::WriteOptions& write);
// --as auto|kspace|image: how to interpret plain arrays.
void add_kind_option(CLI::App& command, io::DataKind& kind);
// --slices A:B[:STEP]: which slices of the input to keep (checked as the command line is read).
void add_slices_option(CLI::App& command, std::string& range);
// ESPIRiT's parameters, named as `bart ecalib` names them.
void add_espirit_options(CLI::App& command, recon::EspiritOptions& espirit);
// Generated sampling patterns: --accel, --acs, --seed.
void add_mask_options(CLI::App& command, recon::MaskOptions& mask);
// "A x B" or "N" (square) sizes, e.g. for --crop and --size.
std::pair<int64_t, int64_t> parse_size(const std::string& text);
// The metrics as an aligned table for a person.
std::string metrics_table(const recon::Metrics& m);

// Each subcommand registers itself from its own file, cmd_<name>.cpp; its callback runs the job.
void register_info(CLI::App& app, const GlobalOptions& global);
void register_convert(CLI::App& app, const GlobalOptions& global);
void register_recon(CLI::App& app, const GlobalOptions& global);
void register_simulate(CLI::App& app, const GlobalOptions& global);
void register_mask(CLI::App& app, const GlobalOptions& global);
void register_espirit(CLI::App& app, const GlobalOptions& global);
void register_metrics(CLI::App& app, const GlobalOptions& global);
void register_train(CLI::App& app, const GlobalOptions& global);
void register_finetune(CLI::App& app, const GlobalOptions& global);
void register_sample(CLI::App& app, const GlobalOptions& global);
void register_audit(CLI::App& app, const GlobalOptions& global);
void register_evaluate_prior(CLI::App& app, const GlobalOptions& global);
void register_export_prior(CLI::App& app, const GlobalOptions& global);

}  // namespace ambient::cli
