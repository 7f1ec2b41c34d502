#pragma once
// What every `ambient` subcommand shares: global flags, progress output, and the options
// for reading and writing files, declared once so help texts agree.
#include <CLI/CLI.hpp>

#include <memory>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/recon/espirit.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"

namespace ambient::jobs {
struct TrainingDataOptions;  // ambient/jobs/training_data.hpp, for the commands that train
}

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

void add_read_options(CLI::App& command, io::ReadOptions& read);
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

// Training data (train, finetune, audit, evaluate-prior): the retrospective mask
// (--mask, --accel, --acs, --mask-seed), and the cache, ESPIRiT and read options.
void add_training_mask_options(CLI::App& command, jobs::TrainingDataOptions& data);
void add_training_data_options(CLI::App& command, jobs::TrainingDataOptions& data);

// Each subcommand registers itself; its callback runs the job.
void add_info_command(CLI::App& app, const GlobalOptions& global);
void add_convert_command(CLI::App& app, const GlobalOptions& global);
void add_recon_command(CLI::App& app, const GlobalOptions& global);
void add_simulate_command(CLI::App& app, const GlobalOptions& global);
void add_mask_command(CLI::App& app, const GlobalOptions& global);
void add_espirit_command(CLI::App& app, const GlobalOptions& global);
void add_metrics_command(CLI::App& app, const GlobalOptions& global);
void add_train_command(CLI::App& app, const GlobalOptions& global);
void add_finetune_command(CLI::App& app, const GlobalOptions& global);
void add_sample_command(CLI::App& app, const GlobalOptions& global);
void add_audit_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_prior_command(CLI::App& app, const GlobalOptions& global);
void add_export_prior_command(CLI::App& app, const GlobalOptions& global);

}  // namespace ambient::cli
