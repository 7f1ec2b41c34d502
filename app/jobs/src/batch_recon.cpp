#include "ambient/jobs/batch_recon.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/jobs/kspace_files.hpp"

namespace fs = std::filesystem;

namespace ambient::jobs {

namespace {

const char* kNamePlaceholder = "{name}";

std::vector<std::string> names_for(const std::vector<std::string>& patterns, const std::string& input) {
  std::vector<std::string> names;
  for (const auto& p : patterns) names.push_back(output_name(p, input));
  return names;
}

nlohmann::json metrics_json(const recon::Metrics& m) {
  return {{"psnr_db", m.psnr}, {"ssim", m.ssim}, {"nmse", m.nmse}, {"nrmse", m.nrmse}};
}

nlohmann::json report_json(const BatchRequest& r, const BatchSummary& s) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& item : s.items) {
    nlohmann::json f = {{"input", item.input}, {"status", item.status}, {"seconds", item.seconds}};
    if (!item.error.empty()) f["error"] = item.error;
    if (item.status == "done") {
      f["slices"] = item.summary.slices;
      f["network_evaluations_per_slice"] = item.summary.evaluations;
      if (!item.summary.lambdas.empty()) f["lambda"] = item.summary.lambdas;
      if (item.summary.metrics) f["metrics"] = metrics_json(*item.summary.metrics);
      for (const auto& m : item.summary.slice_metrics) f["slice_metrics"].push_back(metrics_json(m));
    }
    files.push_back(f);
  }
  return {{"method", r.recon.method}, {"prior", r.recon.prior},
          {"shard", std::to_string(r.shard.index) + "/" + std::to_string(r.shard.count)},
          {"done", s.done}, {"skipped", s.skipped}, {"failed", s.failed}, {"seconds", s.seconds}, {"files", files}};
}

std::string csv_field(const std::string& text) {  // RFC 4180 quoting
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string report_csv(const BatchSummary& s) {
  std::ostringstream out;
  out.precision(6);
  out << "input,slice,status,error,seconds,network_evaluations,psnr_db,ssim,nmse,nrmse,lambda\n";
  for (const auto& item : s.items) {
    const std::string head = csv_field(item.input);
    const std::string tail = item.status + "," + csv_field(item.error) + "," + std::to_string(item.seconds) + "," +
                             std::to_string(item.summary.evaluations) + ",";
    const auto& metrics = item.summary.slice_metrics;
    const auto& lambdas = item.summary.lambdas;
    const size_t rows = std::max(metrics.size(), lambdas.size());
    if (rows == 0) out << head << ",," << tail << ",,,,\n";
    for (size_t i = 0; i < rows; ++i) {
      out << head << "," << i << "," << tail;
      if (i < metrics.size())
        out << metrics[i].psnr << "," << metrics[i].ssim << "," << metrics[i].nmse << "," << metrics[i].nrmse << ",";
      else
        out << ",,,,";
      if (i < lambdas.size()) out << lambdas[i];
      out << "\n";
    }
  }
  return out.str();
}

void write_reports(const BatchRequest& r, const BatchSummary& s) {
  for (const auto& path : r.reports) {
    const bool csv = fs::path(path).extension() == ".csv";
    io::OutputFile out(path, true);  // rewritten after every file: it lists skipped files too
    std::ofstream(out.temp_path()) << (csv ? report_csv(s) : report_json(r, s).dump(2) + "\n");
    out.commit();
  }
}

// done | skipped: every output of `input` exists already (a resumed batch). Error when only
// some do: a partial set is not ours to guess about.
bool already_done(const std::vector<std::string>& outputs, bool overwrite) {
  size_t present = 0;
  for (const auto& out : outputs) present += fs::exists(out) ? 1 : 0;
  if (overwrite || present == 0) return false;
  if (present == outputs.size()) return true;
  std::string list;
  for (const auto& out : outputs) list += (list.empty() ? "" : ", ") + out + (fs::exists(out) ? " (exists)" : "");
  throw Error("only some outputs exist (" + list + "); remove them or give --force");
}

// Two inputs writing one file would overwrite each other: refused before any work, over the
// whole list (not just this shard), so every shard of a job array agrees.
void check_distinct_outputs(const BatchRequest& r, const std::vector<std::string>& files) {
  std::map<std::string, std::string> owner;
  for (const auto* patterns : {&r.outputs, &r.uncertainty_outputs, &r.sample_outputs})
    for (const auto& pattern : *patterns)
      for (const auto& f : files) {
        const std::string name = output_name(pattern, f);
        if (owner.count(name) == 0) {
          owner[name] = f;
          continue;
        }
        if (pattern.find(kNamePlaceholder) == std::string::npos)
          throw Error("the output pattern " + pattern + " needs {name} to tell several inputs apart");
        throw Error("inputs " + owner[name] + " and " + f + " both write " + name + "; give them other names");
      }
}

}  // namespace

Shard parse_shard(const std::string& text) {
  Shard s;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> s.index >> slash >> s.count) || slash != '/' || !in.eof() || s.count < 1 || s.index < 0 ||
      s.index >= s.count)
    throw Error("--shard '" + text + "' is not i/N with 0 <= i < N");
  return s;
}

std::optional<Shard> shard_from_environment() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  try {
    return parse_shard(std::to_string(std::stoll(id) - (min ? std::stoll(min) : 0)) + "/" + count);
  } catch (const std::exception&) {
    throw Error(std::string("SLURM_ARRAY_TASK_ID=") + id + " and SLURM_ARRAY_TASK_COUNT=" + count +
                " do not name a shard");
  }
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files = kspace_files(inputs);
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : files)
    if (seen.insert(fs::absolute(f).lexically_normal().string()).second) unique.push_back(f);
  return unique;
}

std::string output_name(const std::string& pattern, const std::string& input) {
  fs::path name = fs::path(input).filename();
  if (name.extension() == ".gz") name = name.stem();
  const std::string stem = name.stem().string();
  std::string out = pattern;
  for (size_t at = out.find(kNamePlaceholder); at != std::string::npos; at = out.find(kNamePlaceholder, at + stem.size()))
    out.replace(at, std::string(kNamePlaceholder).size(), stem);
  return out;
}

BatchSummary reconstruct_batch(const BatchRequest& r, Progress& progress) {
  if (r.outputs.empty()) throw Error("no output pattern given (-o 'DIR/{name}.nii.gz')");
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> all = expand_inputs(r.inputs);
  std::vector<std::string> files;
  for (size_t i = 0; i < all.size(); ++i)
    if (static_cast<int64_t>(i) % r.shard.count == r.shard.index) files.push_back(all[i]);
  check_distinct_outputs(r, all);
  for (const auto* patterns : {&r.outputs, &r.uncertainty_outputs, &r.sample_outputs})
    for (const auto& pattern : *patterns) {  // a missing folder fails once, not once per file
      const fs::path folder = fs::path(output_name(pattern, all.front())).parent_path();
      if (!folder.empty() && !fs::is_directory(folder))
        throw FileError(pattern, "folder " + folder.string() + " does not exist");
    }
  for (const auto& report : r.reports) io::check_writable(report, true);
  ReconRequest shared = r.recon;
  shared.posterior.keep_samples = shared.posterior.keep_samples || !r.sample_outputs.empty();
  const auto method = make_method(shared);  // the prior is loaded once

  BatchSummary s;
  for (size_t i = 0; i < files.size(); ++i) {
    progress.throw_if_cancelled();
    BatchItem item;
    item.input = files[i];
    const auto item_start = std::chrono::steady_clock::now();
    ReconRequest one = r.recon;
    one.input = files[i];
    one.outputs = names_for(r.outputs, files[i]);
    one.uncertainty_outputs = names_for(r.uncertainty_outputs, files[i]);
    one.sample_outputs = names_for(r.sample_outputs, files[i]);
    one.metrics_json.clear();
    std::vector<std::string> every = one.outputs;
    every.insert(every.end(), one.uncertainty_outputs.begin(), one.uncertainty_outputs.end());
    every.insert(every.end(), one.sample_outputs.begin(), one.sample_outputs.end());
    try {
      if (already_done(every, r.recon.write.overwrite)) {
        item.status = "skipped";
        ++s.skipped;
      } else {
        item.summary = reconstruct(one, *method, progress);
        item.status = "done";
        ++s.done;
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {  // one bad file: reported, and the batch goes on
      item.status = "failed";
      item.error = e.what();
      ++s.failed;
    }
    item.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - item_start).count();
    s.items.push_back(item);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.on_item) r.on_item(s.items.back(), i + 1, files.size());
    write_reports(r, s);
  }
  if (files.empty()) write_reports(r, s);
  return s;
}

}  // namespace ambient::jobs
