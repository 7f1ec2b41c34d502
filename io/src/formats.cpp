#include "ambient/io/formats.hpp"

#include <algorithm>
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/fastmri.hpp"
#include "ambient/io/nifti.hpp"
#include "ambient/io/npy.hpp"
#include "array_layout.hpp"
#include "file_checks.hpp"
#include "hdf5_support.hpp"

namespace ambient::io {

namespace {

bool ends_with(std::string s, const std::string& suffix) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FileFormat format_by_extension(const std::string& path) {
  if (ends_with(path, ".cfl") || ends_with(path, ".hdr")) return FileFormat::cfl;
  if (ends_with(path, ".npy")) return FileFormat::npy;
  if (ends_with(path, ".nii") || ends_with(path, ".nii.gz")) return FileFormat::nifti;
  if (ends_with(path, ".png")) return FileFormat::png;
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5") || ends_with(path, ".mrd"))
    return FileFormat::ismrmrd;
  return FileFormat::unknown;
}

}  // namespace

std::string format_name(FileFormat f) {
  switch (f) {
    case FileFormat::ismrmrd: return "ismrmrd";
    case FileFormat::fastmri: return "fastmri";
    case FileFormat::cfl: return "cfl";
    case FileFormat::npy: return "npy";
    case FileFormat::nifti: return "nifti";
    case FileFormat::png: return "png";
    default: return "unknown";
  }
}

FileFormat parse_format(const std::string& name) {
  for (auto f : {FileFormat::ismrmrd, FileFormat::fastmri, FileFormat::cfl, FileFormat::npy,
                 FileFormat::nifti, FileFormat::png})
    if (format_name(f) == name) return f;
  throw Error("unknown format '" + name + "' (ismrmrd, fastmri, cfl, npy, nifti, png)");
}

bool holds_kspace(FileFormat f) {
  return f == FileFormat::ismrmrd || f == FileFormat::fastmri || f == FileFormat::cfl ||
         f == FileFormat::npy;
}

FileFormat detect_format(const std::string& path) {
  const FileFormat by_name = format_by_extension(path);
  if (by_name == FileFormat::cfl) return by_name;  // .hdr/.cfl pairs are checked by the reader
  require_regular_file(path);
  if (is_hdf5(path)) {
    const auto root = hdf5_children(path, "/");
    if (std::find(root.begin(), root.end(), "kspace") != root.end()) return FileFormat::fastmri;
    return FileFormat::ismrmrd;
  }
  if (by_name == FileFormat::ismrmrd)
    throw FileError(path, "has an HDF5 extension but is not an HDF5 file (truncated or corrupt?)");
  if (by_name == FileFormat::unknown)
    throw FileError(path, "unknown file type (readable: .h5 ISMRMRD or fastMRI, .cfl/.hdr, .npy, "
                          ".nii, .nii.gz)");
  return by_name;
}

FileFormat output_format(const std::string& path, const std::string& format) {
  if (!format.empty()) return parse_format(format);
  const FileFormat f = format_by_extension(path);
  if (f == FileFormat::unknown)
    throw FileSettingError("format", path,
                           "cannot tell the output format from the name (.h5, .cfl, .npy, .nii, .nii.gz, .png); "
                           "name the format");
  return f;
}

KSpace read_kspace(const std::string& path, const ReadOptions& options) {
  const FileFormat f = detect_format(path);
  switch (f) {
    case FileFormat::ismrmrd: return read_ismrmrd(path, options.ismrmrd);
    case FileFormat::fastmri: return read_fastmri(path);
    case FileFormat::cfl: {
      const std::string stem = cfl_stem(path);
      KSpace k = kspace_from_array(read_cfl(stem), cfl_axes(read_cfl_dims(stem), options.axes, true),
                                   stem + ".cfl");
      k.source_path = stem + ".cfl";
      k.source_format = "cfl";
      return k;
    }
    case FileFormat::npy: {
      const at::Tensor a = read_npy(path);
      KSpace k = kspace_from_array(a, npy_axes(a.dim(), options.axes, true), path);
      k.source_path = path;
      k.source_format = "npy";
      return k;
    }
    default:
      throw FileError(path, "holds " + format_name(f) + " images, not k-space");
  }
}

ImageVolume read_image(const std::string& path, const ReadOptions& options) {
  const FileFormat f = detect_format(path);
  ImageVolume im;
  switch (f) {
    case FileFormat::nifti: return read_nifti(path);
    case FileFormat::ismrmrd: return read_ismrmrd_images(path, options.image_series, options.ismrmrd.group);
    case FileFormat::cfl: {
      const std::string stem = cfl_stem(path);
      im = image_from_array(read_cfl(stem), cfl_axes(read_cfl_dims(stem), options.axes, false),
                            stem + ".cfl");
      im.source_path = stem + ".cfl";
      break;
    }
    case FileFormat::npy: {
      const at::Tensor a = read_npy(path);
      im = image_from_array(a, npy_axes(a.dim(), options.axes, false), path);
      im.source_path = path;
      break;
    }
    default:
      throw FileError(path, "holds " + format_name(f) + " data, not an image volume Ambient reads");
  }
  im.source_format = format_name(f);
  validate(im, im.source_path);
  return im;
}

void write_kspace(const std::string& path, const KSpace& k, const WriteOptions& options) {
  const FileFormat f = output_format(path, options.format);
  switch (f) {
    case FileFormat::ismrmrd: return write_ismrmrd(path, k, options.overwrite);
    case FileFormat::fastmri: return write_fastmri(path, k, options.overwrite);
    case FileFormat::cfl: validate(k, path); return write_cfl(path, kspace_to_bart(k), options.overwrite);
    case FileFormat::npy: validate(k, path); return write_npy(path, k.data * k.mask.unsqueeze(1), options.overwrite);
    default: throw FileError(path, format_name(f) + " files hold images, not k-space");
  }
}

void write_image(const std::string& path, const ImageVolume& im, const WriteOptions& options) {
  const FileFormat f = output_format(path, options.format);
  switch (f) {
    case FileFormat::ismrmrd: return write_ismrmrd_images(path, im, options.overwrite);
    case FileFormat::nifti: return write_nifti(path, im, options.overwrite);
    case FileFormat::png: return write_png(path, im, options.png, options.overwrite);
    case FileFormat::cfl: validate(im, path); return write_cfl(path, image_to_bart(im), options.overwrite);
    case FileFormat::npy: validate(im, path); return write_npy(path, im.data, options.overwrite);
    default: throw FileError(path, format_name(f) + " files hold k-space, not images");
  }
}

}  // namespace ambient::io
