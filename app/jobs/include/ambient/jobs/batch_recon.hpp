#pragma once
// `ambient recon` over many scans: files, folders and glob patterns expand to a sorted list
// of k-space files; each becomes one set of outputs named by patterns ({name} is the input's
// file name without its extension). Built for pipelines and job arrays:
// - outputs that all exist already are skipped, so a crashed batch resumes where it stopped;
// - a shard i/N takes every N-th file from the i-th, so N machines split one list;
// - a file that fails is reported and skipped, the batch goes on, and the summary (and
//   the caller's exit code) says what failed;
// - a JSON and/or CSV report lists every file and slice with its status, error, time,
//   network evaluations and metrics where a reference exists.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/jobs/reconstruct.hpp"

namespace ambient::jobs {

struct Shard {
  int64_t index = 0, count = 1;  // this is shard `index` (0-based) of `count`
};

// "i/N" with 0 <= i < N; Error otherwise.
Shard parse_shard(const std::string& text);
// A Slurm job array's shard (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and
// SLURM_ARRAY_TASK_MIN), when those are set.
std::optional<Shard> shard_from_environment();

struct BatchItem {
  std::string input;
  std::string status;  // done | skipped | failed
  std::string error;
  double seconds = 0;
  ReconSummary summary;
};

struct BatchRequest {
  ReconRequest recon;                // method, options, prior, reference, ...; input and outputs unused
  std::vector<std::string> inputs;   // files, folders (their k-space files) and glob patterns
  std::vector<std::string> outputs;  // patterns with {name}; one image file each per input
  std::vector<std::string> uncertainty_outputs, sample_outputs;  // patterns, as outputs
  Shard shard;
  std::vector<std::string> reports;  // .json and/or .csv, rewritten after every file
  // Called after each file (item, files finished, files in this shard), e.g. to log it.
  std::function<void(const BatchItem&, size_t, size_t)> on_item;
};

struct BatchSummary {
  std::vector<BatchItem> items;
  int64_t done = 0, skipped = 0, failed = 0;
  double seconds = 0;
};

// The sorted, de-duplicated k-space files the inputs name; Error when a name matches nothing.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);
// `pattern` with {name} replaced by the input's file name without extension(s).
std::string output_name(const std::string& pattern, const std::string& input);

BatchSummary reconstruct_batch(const BatchRequest& request, Progress& progress);

}  // namespace ambient::jobs
