#pragma once
// Every writer goes through OutputFile: data is written to a hidden temporary beside the
// target and renamed into place only when complete, so an error or a crash never leaves a
// half-written output, and an existing file is replaced only when the caller asked to.
#include <string>

namespace ambient::io {

class OutputFile {
 public:
  // Throws FileError when `path` exists and !overwrite, is a directory, or its folder is missing.
  OutputFile(std::string path, bool overwrite);
  ~OutputFile();  // removes the temporary unless commit() ran
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return path_; }
  // Where to write; it keeps the target's extension (libraries that read it, e.g. NIfTI's .nii.gz).
  const std::string& temp_path() const { return temp_; }
  void commit();

 private:
  std::string path_, temp_;
  bool committed_ = false;
};

// The same checks without creating anything, for writers with several files (cfl + hdr).
void check_writable(const std::string& path, bool overwrite);

}  // namespace ambient::io
