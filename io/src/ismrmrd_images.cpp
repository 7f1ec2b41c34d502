#include "ismrmrd_images.hpp"

#include <ATen/ATen.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/ismrmrd.h>

#include <algorithm>
#include <complex>
#include <type_traits>

#include "ambient/core/error.hpp"
#include "ambient/io/ismrmrd_file.hpp"
#include "ambient/io/output_file.hpp"
#include "file_checks.hpp"
#include "hdf5_support.hpp"
#include "ismrmrd_dataset.hpp"

namespace ambient::io {

using namespace ISMRMRD;  // its C API lives in this namespace when compiled as C++

namespace {

template <typename T>
void append_series(ISMRMRD::Dataset& d, const ImageVolume& im, const std::string& series,
                   uint16_t image_type) {
  const at::Tensor data = im.data.contiguous();
  const auto nx = static_cast<uint16_t>(im.nx()), ny = static_cast<uint16_t>(im.ny());
  for (int64_t s = 0; s < im.slices(); ++s) {
    ISMRMRD::Image<T> out(nx, ny, 1, 1);
    out.setFieldOfView(im.voxel_mm[0] * nx, im.voxel_mm[1] * ny, im.voxel_mm[2]);
    out.setSlice(static_cast<uint16_t>(s));
    out.setImageIndex(static_cast<uint16_t>(s + 1));
    out.setImageType(static_cast<ISMRMRD::ISMRMRD_ImageTypes>(image_type));
    out.setReadDirection(1, 0, 0);
    out.setPhaseDirection(0, 1, 0);
    out.setSliceDirection(0, 0, 1);
    out.setPosition(0, 0, im.voxel_mm[2] * (s - (im.slices() - 1) / 2.0f));
    const T* src = reinterpret_cast<const T*>(data[s].data_ptr());
    std::copy_n(src, static_cast<size_t>(nx) * ny, out.getDataPtr());
    d.appendImage(series, out);
  }
}

// [y, x] float32 (real pixel types) or complex64 (complex ones) copy of one image.
template <typename T>
at::Tensor image_to_tensor(const ISMRMRD_Image& im) {
  const auto& h = im.head;
  const auto* src = static_cast<const T*>(im.data);
  const int64_t n = int64_t{h.matrix_size[0]} * h.matrix_size[1];
  if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    at::Tensor out = at::empty({h.matrix_size[1], h.matrix_size[0]}, at::kComplexFloat);
    auto* dst = reinterpret_cast<std::complex<float>*>(out.data_ptr());
    for (int64_t i = 0; i < n; ++i) dst[i] = std::complex<float>(src[i]);
    return out;
  } else {
    at::Tensor out = at::empty({h.matrix_size[1], h.matrix_size[0]}, at::kFloat);
    float* dst = out.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]);
    return out;
  }
}

// The image's pixels as a tensor of its own type; undefined for a type Ambient does not read.
at::Tensor pixels_of(const ISMRMRD_Image& im) {
  switch (im.head.data_type) {
    case ISMRMRD_CXFLOAT: return image_to_tensor<std::complex<float>>(im);
    case ISMRMRD_CXDOUBLE: return image_to_tensor<std::complex<double>>(im);
    case ISMRMRD_FLOAT: return image_to_tensor<float>(im);
    case ISMRMRD_DOUBLE: return image_to_tensor<double>(im);
    case ISMRMRD_USHORT: return image_to_tensor<uint16_t>(im);
    case ISMRMRD_SHORT: return image_to_tensor<int16_t>(im);
    case ISMRMRD_UINT: return image_to_tensor<uint32_t>(im);
    case ISMRMRD_INT: return image_to_tensor<int32_t>(im);
    default: return {};
  }
}

}  // namespace

void append_ismrmrd_images(const std::string& path, const ImageVolume& im,
                           const std::string& series) {
  validate(im, path);
  if (im.nx() > 65535 || im.ny() > 65535 || im.slices() > 65535)
    throw FileError(path, "dimensions exceed ISMRMRD's 16-bit counters");
  silence_hdf5_errors();
  ISMRMRD::Dataset d(path.c_str(), "dataset", true);
  if (!im.header_xml.empty()) {
    std::string existing;
    try {
      d.readHeader(existing);
    } catch (const std::exception&) {
      d.writeHeader(im.header_xml);  // metadata carried over from the scan
    }
  }
  if (im.data.scalar_type() == at::kComplexFloat)
    append_series<std::complex<float>>(d, im, series, ISMRMRD::ISMRMRD_IMTYPE_COMPLEX);
  else
    append_series<float>(d, im, series, ISMRMRD::ISMRMRD_IMTYPE_MAGNITUDE);
}

void write_ismrmrd_images(const std::string& path, const ImageVolume& image, bool overwrite,
                          const std::string& series) {
  OutputFile file(path, overwrite);
  append_ismrmrd_images(file.temp_path(), image, series);
  file.commit();
}

std::vector<std::string> ismrmrd_image_series(const std::string& path, const std::string& group) {
  std::vector<std::string> series;
  for (const std::string& name : hdf5_children(path, group)) {
    const auto inside = hdf5_children(path, group + "/" + name);
    if (std::find(inside.begin(), inside.end(), "header") != inside.end() &&
        std::find(inside.begin(), inside.end(), "data") != inside.end())
      series.push_back(name);
  }
  return series;
}

ImageVolume read_ismrmrd_images(const std::string& path, const std::string& series_name,
                                const std::string& group) {
  ReadOnlyDataset dset(path, group);
  std::string series = series_name;
  if (series.empty()) {
    const auto all = ismrmrd_image_series(path, group);
    if (all.empty()) throw FileError(path, "holds no ISMRMRD image series");
    series = all.front();
  }
  const uint32_t count = ismrmrd_get_number_of_images(dset.get(), series.c_str());
  if (count == 0) throw FileError(path, "has no images in series '" + series + "'");

  std::vector<at::Tensor> slices;
  ImageVolume out;
  ISMRMRD_Image im;
  ismrmrd_init_image(&im);
  for (uint32_t i = 0; i < count; ++i) {
    if (ismrmrd_read_image(dset.get(), series.c_str(), i, &im) != 0) {
      ismrmrd_cleanup_image(&im);
      throw FileError(path, "image " + std::to_string(i) + " of series '" + series +
                                "' cannot be read");
    }
    const auto& h = im.head;
    if (h.matrix_size[2] != 1 || h.channels != 1) {
      ismrmrd_cleanup_image(&im);
      throw FileError(path, "series '" + series + "' holds 3D or multi-channel images, "
                                "which are not supported");
    }
    const at::Tensor t = pixels_of(im);
    if (!t.defined()) {
      ismrmrd_cleanup_image(&im);
      throw FileError(path, "series '" + series + "' has an unsupported pixel type");
    }
    if (!slices.empty() && t.sizes() != slices.front().sizes()) {
      ismrmrd_cleanup_image(&im);
      throw FileError(path, "series '" + series + "' mixes image sizes");
    }
    if (h.field_of_view[0] > 0 && h.field_of_view[1] > 0)
      out.voxel_mm = {h.field_of_view[0] / h.matrix_size[0],
                      h.field_of_view[1] / h.matrix_size[1],
                      h.field_of_view[2] > 0 ? h.field_of_view[2] : 1.0f};
    slices.push_back(t);
  }
  ismrmrd_cleanup_image(&im);
  out.data = at::stack(slices).contiguous();
  try {
    out.header_xml = dset.header_xml();
  } catch (const FileError&) {
  }
  out.source_path = path;
  out.source_format = "ismrmrd-images";
  validate(out, path);
  return out;
}

}  // namespace ambient::io
