#include "hdf5_support.hpp"

#include <hdf5.h>
#include <ismrmrd/ismrmrd.h>

#include <mutex>

namespace ambient::io {

using namespace ISMRMRD;  // its C API lives in this namespace when compiled as C++

namespace {
void quiet_ismrmrd(const char*, int, const char*, int, const char*) {}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}
}  // namespace

void silence_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    ismrmrd_set_error_handler(quiet_ismrmrd);
  });
}

bool is_hdf5(const std::string& path) {
  silence_hdf5_errors();
  return H5Fis_hdf5(path.c_str()) > 0;
}

std::vector<std::string> hdf5_children(const std::string& path, const std::string& group) {
  silence_hdf5_errors();
  std::vector<std::string> names;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return names;
  if (group == "/" || H5Lexists(file, group.c_str(), H5P_DEFAULT) > 0) {
    const hid_t g = H5Gopen2(file, group.c_str(), H5P_DEFAULT);
    if (g >= 0) {
      H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_name, &names);
      H5Gclose(g);
    }
  }
  H5Fclose(file);
  return names;
}

}  // namespace ambient::io
