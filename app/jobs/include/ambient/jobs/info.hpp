#pragma once
// `ambient info`: what a file holds, as JSON (the CLI prints it as text or as it is).
#include <nlohmann/json.hpp>

#include <string>

#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"

namespace ambient::jobs {

// Format, dimensions, coils, sampling (acceleration, mask pattern, calibration region),
// noise scans, reference image and header geometry. `with_header` adds the full XML.
// `kind` forces the interpretation of plain arrays (automatic: complex arrays as k-space).
nlohmann::json describe_file(const std::string& path, const ScanReadOptions& options = {},
                             io::DataKind kind = io::DataKind::automatic, bool with_header = false);

// The same description as indented, human-readable lines.
std::string format_description(const nlohmann::json& description);

}  // namespace ambient::jobs
