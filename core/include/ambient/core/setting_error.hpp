#pragma once
// Errors caused by one setting (an option out of range, an output that exists while
// overwriting was not asked for), said in the library's own words with the setting's name, so
// each front end can point at its own control for it: app/cli appends the flag (main.cpp), the
// viewer shows the message as it is.
#include <string>
#include <utility>

#include "ambient/core/error.hpp"

namespace ambient {

// What an error says about the setting that caused it.
class SettingCause {
 public:
  explicit SettingCause(std::string setting) : setting_(std::move(setting)) {}
  virtual ~SettingCause() = default;
  // The setting's name in the libraries' option structs, e.g. "samples", "overwrite".
  const std::string& setting() const { return setting_; }

 private:
  std::string setting_;
};

class SettingError : public Error, public SettingCause {
 public:
  SettingError(std::string setting, const std::string& message) : Error(message), SettingCause(std::move(setting)) {}
};

// A problem with one file that a setting resolves (e.g. the output exists: "overwrite").
class FileSettingError : public FileError, public SettingCause {
 public:
  FileSettingError(std::string setting, const std::string& path, const std::string& problem)
      : FileError(path, problem), SettingCause(std::move(setting)) {}
};

}  // namespace ambient
