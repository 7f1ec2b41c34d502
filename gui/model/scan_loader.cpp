#include "scan_loader.hpp"

#include <ATen/ATen.h>

#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/recon/classical.hpp"

namespace ambient::gui {

namespace {

std::vector<ViewArray> kspace_views(const io::KSpace& k, const std::string& path) {
  const std::string name = file_label(path);
  std::vector<ViewArray> views;
  views.push_back(make_view(recon::zero_filled_rss(k), {"slice", "y", "x"},
                            name, ViewKind::image, path));
  views.back().header_xml = k.header_xml;
  if (k.reference.defined()) {
    views.push_back(make_view(k.reference, {"slice", "y", "x"}, name + " reference", ViewKind::image, path));
    views.back().header_xml = k.header_xml;
    views.back().scan_reference = true;
  }
  views.push_back(make_view(k.data, {"slice", "coil", "ky", "kx"}, name + " k-space", ViewKind::kspace, path));
  views.push_back(make_view(k.mask, {"slice", "ky", "kx"}, name + " mask", ViewKind::mask, path));
  return views;
}

std::vector<ViewArray> image_views(const io::ImageVolume& image, const std::string& path) {
  ViewArray view = make_view(image.data, {"slice", "y", "x"}, file_label(path), ViewKind::image, path);
  view.voxel_mm = image.voxel_mm;
  view.header_xml = image.header_xml;
  return {view};
}

}  // namespace

std::string file_label(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::vector<ViewArray> open_views(const std::string& path) {
  if (!std::filesystem::exists(path)) throw FileError(path, "no such file");
  const io::FileFormat format = io::detect_format(path);
  if (format == io::FileFormat::unknown) throw FileError(path, "is not a format Ambient reads");
  if (!io::holds_kspace(format)) return image_views(io::read_image(path), path);
  try {
    return kspace_views(io::read_kspace(path), path);
  } catch (const FileError& kspace_error) {
    if (format == io::FileFormat::fastmri) throw;
    try {  // an ISMRMRD file of images, an image array in .npy/.cfl
      return image_views(io::read_image(path), path);
    } catch (const Error& image_error) {
      throw FileError(path, std::string("is neither k-space nor an image volume: ") + kspace_error.what() +
                                "; " + image_error.what());
    }
  }
}

void save_view(const std::string& path, const ViewArray& view, bool overwrite) {
  if (view.axes != std::vector<std::string>{"slice", "y", "x"})
    throw Error("'" + view.title + "' is not an image volume [slice, y, x]; only images can be saved");
  io::ImageVolume image;
  image.data = view.data;
  image.voxel_mm = view.voxel_mm;
  image.header_xml = view.header_xml;
  image.source_path = view.source_path;
  io::WriteOptions options;
  options.overwrite = overwrite;
  io::write_image(path, image, options);
}

}  // namespace ambient::gui
