#pragma once
// One entry point for every file format: detect what a file is, read it as k-space or as
// an image volume, write either. Commands and the GUI go through these, never through a
// single format's module, so a new format appears everywhere at once.
#include <string>
#include <vector>

#include "ambient/io/ismrmrd_file.hpp"
#include "ambient/io/kspace.hpp"
#include "ambient/io/png.hpp"

namespace ambient::io {

enum class FileFormat { ismrmrd, fastmri, cfl, npy, nifti, png, unknown };

// How to interpret a file: plain arrays (.npy, .cfl) can hold k-space or images.
enum class DataKind { automatic, kspace, image };

std::string format_name(FileFormat format);
FileFormat parse_format(const std::string& name);  // throws Error for unknown names

// By content where the content decides (HDF5: ISMRMRD or fastMRI), else by extension.
FileFormat detect_format(const std::string& path);
// The format an output name asks for (.h5 is ISMRMRD unless `format` says fastmri).
FileFormat output_format(const std::string& path, const std::string& format = "");

struct ReadOptions {
  IsmrmrdReadOptions ismrmrd;
  // Axis names of a .npy or .cfl array, in the file's order (NumPy: slowest first, BART:
  // fastest first), from {slice, coil, ky, kx} (k-space) or {slice, y, x} (images), '1'
  // for a singleton. Empty: the format's convention (see docs/formats.md).
  std::string axes;
  std::string image_series;  // ISMRMRD image series to read; empty: the first
};

struct WriteOptions {
  bool overwrite = false;
  std::string format;  // empty: from the extension
  PngOptions png;
};

KSpace read_kspace(const std::string& path, const ReadOptions& options = {});
ImageVolume read_image(const std::string& path, const ReadOptions& options = {});
void write_kspace(const std::string& path, const KSpace& kspace, const WriteOptions& options = {});
void write_image(const std::string& path, const ImageVolume& image, const WriteOptions& options = {});

// True when `format` holds raw k-space (as opposed to images only).
bool holds_kspace(FileFormat format);

}  // namespace ambient::io
