#pragma once
// Errors a user can act on. Every message says what went wrong and, where a file is
// involved, which file: the CLI prints it as it is and exits non-zero.
#include <stdexcept>
#include <string>

namespace ambient {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with one file: message is "<path>: <problem>".
class FileError : public Error {
 public:
  FileError(const std::string& path, const std::string& problem)
      : Error(path + ": " + problem), path_(path) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Thrown by long-running work when its Progress was cancelled.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

}  // namespace ambient
