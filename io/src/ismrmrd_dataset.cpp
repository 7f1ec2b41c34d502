#include "ismrmrd_dataset.hpp"

#include <hdf5.h>

#include <cstdlib>

#include "ambient/core/error.hpp"
#include "file_checks.hpp"
#include "hdf5_support.hpp"

namespace ambient::io {

using namespace ISMRMRD;  // its C API lives in this namespace when compiled as C++

ReadOnlyDataset::ReadOnlyDataset(const std::string& path, const std::string& group)
    : path_(path) {
  require_regular_file(path);
  if (!is_hdf5(path)) throw FileError(path, "not an HDF5 file");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw FileError(path, "the HDF5 library cannot open it (corrupt?)");
  if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) {
    H5Fclose(file);
    throw FileError(path, "has no ISMRMRD group '" + group + "'");
  }
  ismrmrd_init_dataset(&dset_, path.c_str(), group.c_str());
  dset_.fileid = file;
}

ReadOnlyDataset::~ReadOnlyDataset() { ismrmrd_close_dataset(&dset_); }

std::string ReadOnlyDataset::header_xml() const {
  char* xml = ismrmrd_read_header(&dset_);
  if (!xml) throw FileError(path_, "has no ISMRMRD XML header (" + std::string(dset_.groupname) + "/xml)");
  std::string out(xml);
  std::free(xml);
  return out;
}

}  // namespace ambient::io
