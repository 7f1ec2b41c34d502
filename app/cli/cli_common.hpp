#pragma once
// What every `ambient` subcommand shares: global flags, progress output, and the options
// for reading and writing files, declared once so help texts agree.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"

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

// Each subcommand registers itself; its callback runs the job.
using Command = std::function<void(CLI::App& app, const GlobalOptions& global)>;
void add_info_command(CLI::App& app, const GlobalOptions& global);
void add_convert_command(CLI::App& app, const GlobalOptions& global);
void add_recon_command(CLI::App& app, const GlobalOptions& global);
void add_simulate_command(CLI::App& app, const GlobalOptions& global);

}  // namespace ambient::cli
