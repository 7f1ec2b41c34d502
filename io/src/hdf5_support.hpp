#pragma once
// HDF5 helpers shared by the ISMRMRD and fastMRI modules (private to io/).
#include <string>
#include <vector>

namespace ambient::io {

// Stops HDF5 and ISMRMRD from printing their error stacks: we report errors ourselves.
void silence_hdf5_errors();

// True when `path` is an HDF5 file (by its signature, not its name).
bool is_hdf5(const std::string& path);

// Names of the objects directly inside `group` ("/" for the root); empty when absent.
std::vector<std::string> hdf5_children(const std::string& path, const std::string& group);

}  // namespace ambient::io
