#pragma once
// Read-only access to an ISMRMRD dataset through libismrmrd's C API (private to io/).
// libismrmrd's own open asks for write access, which fails on read-only files (shared
// data, archives); we open the HDF5 file read-only and hand the handle to its C API.
#include <ismrmrd/dataset.h>

#include <string>

namespace ambient::io {

class ReadOnlyDataset {
 public:
  ReadOnlyDataset(const std::string& path, const std::string& group);
  ~ReadOnlyDataset();
  ReadOnlyDataset(const ReadOnlyDataset&) = delete;
  ReadOnlyDataset& operator=(const ReadOnlyDataset&) = delete;

  const ISMRMRD::ISMRMRD_Dataset* get() const { return &dset_; }
  const std::string& path() const { return path_; }
  std::string header_xml() const;  // throws FileError when the dataset has none

 private:
  std::string path_;
  ISMRMRD::ISMRMRD_Dataset dset_{};
};

}  // namespace ambient::io
