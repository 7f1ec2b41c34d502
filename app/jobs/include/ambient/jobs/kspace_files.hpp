#pragma once
// The k-space files a list of command-line inputs names, for the commands that take many
// (train, recon): files as given, folders' k-space files (.h5, .mrd, .cfl, .npy; not
// recursive) and glob patterns (quoted, for lists too long for a shell), each group sorted.
#include <string>
#include <vector>

namespace ambient::jobs {

// FileError for a name that does not exist, a folder without k-space files or a pattern
// that matches nothing; Error for an empty list.
std::vector<std::string> kspace_files(const std::vector<std::string>& inputs);

}  // namespace ambient::jobs
