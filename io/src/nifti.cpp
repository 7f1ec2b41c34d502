#include "ambient/io/nifti.hpp"

#include <ATen/ATen.h>
#include <nifti2_io.h>

#include <complex>
#include <filesystem>
#include <memory>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "file_checks.hpp"

namespace ambient::io {

namespace {

struct NiftiDeleter {
  void operator()(nifti_image* nim) const { nifti_image_free(nim); }
};
using NiftiPtr = std::unique_ptr<nifti_image, NiftiDeleter>;

template <typename T>
at::Tensor to_float(const void* data, int64_t n, const std::vector<int64_t>& shape) {
  at::Tensor out = at::empty(shape, at::kFloat);
  const T* src = static_cast<const T*>(data);
  float* dst = out.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]);
  return out;
}

}  // namespace

ImageVolume read_nifti(const std::string& path) {
  require_regular_file(path);
  nifti_set_debug_level(0);
  NiftiPtr nim(nifti_image_read(path.c_str(), 0));  // header first: check before allocating
  if (!nim) throw FileError(path, "not a readable NIfTI file (bad or truncated header)");
  if (nim->dim[0] < 2 || nim->dim[0] > 7) throw FileError(path, "NIfTI dim[0] out of range");
  for (int i = 4; i <= nim->dim[0]; ++i)
    if (nim->dim[i] > 1)
      throw FileError(path, "has " + std::to_string(nim->dim[i]) + " volumes along dimension " +
                                std::to_string(i) + "; Ambient reads single 2D/3D volumes");
  const int64_t nx = nim->nx, ny = nim->ny, nz = nim->dim[0] >= 3 ? nim->nz : 1;
  checked_element_count({nz, ny, nx}, nim->nbyper > 0 ? nim->nbyper : 1, path);
  if (nifti_image_load(nim.get()) != 0 || !nim->data)
    throw FileError(path, "NIfTI voxel data cannot be read (truncated?)");

  const std::vector<int64_t> shape{nz, ny, nx};
  const int64_t n = nz * ny * nx;
  ImageVolume out;
  switch (nim->datatype) {
    case DT_UINT8: out.data = to_float<uint8_t>(nim->data, n, shape); break;
    case DT_INT8: out.data = to_float<int8_t>(nim->data, n, shape); break;
    case DT_INT16: out.data = to_float<int16_t>(nim->data, n, shape); break;
    case DT_UINT16: out.data = to_float<uint16_t>(nim->data, n, shape); break;
    case DT_INT32: out.data = to_float<int32_t>(nim->data, n, shape); break;
    case DT_UINT32: out.data = to_float<uint32_t>(nim->data, n, shape); break;
    case DT_FLOAT32: out.data = to_float<float>(nim->data, n, shape); break;
    case DT_FLOAT64: out.data = to_float<double>(nim->data, n, shape); break;
    case DT_COMPLEX64:
      out.data = at::from_blob(nim->data, shape, at::kComplexFloat).clone();
      break;
    case DT_COMPLEX128:
      out.data = at::from_blob(nim->data, shape, at::kComplexDouble).to(at::kComplexFloat);
      break;
    default:
      throw FileError(path, std::string("NIfTI datatype ") + nifti_datatype_string(nim->datatype) +
                                " is not supported");
  }
  if (nim->scl_slope != 0 && !(nim->scl_slope == 1 && nim->scl_inter == 0) &&
      out.data.scalar_type() == at::kFloat)
    out.data = out.data * static_cast<float>(nim->scl_slope) + static_cast<float>(nim->scl_inter);
  out.voxel_mm = {static_cast<float>(nim->dx > 0 ? nim->dx : 1),
                  static_cast<float>(nim->dy > 0 ? nim->dy : 1),
                  static_cast<float>(nim->dz > 0 ? nim->dz : 1)};
  out.source_path = path;
  out.source_format = "nifti";
  validate(out, path);
  return out;
}

void write_nifti(const std::string& path, const ImageVolume& image, bool overwrite) {
  validate(image, path);
  OutputFile file(path, overwrite);
  const bool complex = image.data.scalar_type() == at::kComplexFloat;
  const int64_t dims[8] = {3, image.nx(), image.ny(), image.slices(), 1, 1, 1, 1};
  NiftiPtr nim(nifti_make_new_nim(dims, complex ? DT_COMPLEX64 : DT_FLOAT32, 0));
  if (!nim) throw FileError(path, "libnifti could not create the header");
  nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
  nim->dx = nim->pixdim[1] = image.voxel_mm[0];
  nim->dy = nim->pixdim[2] = image.voxel_mm[1];
  nim->dz = nim->pixdim[3] = image.voxel_mm[2];
  nim->xyz_units = NIFTI_UNITS_MM;
  if (nifti_set_filenames(nim.get(), file.temp_path().c_str(), 0, 1) != 0)
    throw FileError(path, "libnifti rejects the file name (use .nii or .nii.gz)");
  const at::Tensor data = image.data.contiguous();
  nim->data = data.data_ptr();  // borrowed; detached before the image is freed
  nifti_image_write(nim.get());
  nim->data = nullptr;
  std::error_code ec;
  if (!std::filesystem::exists(file.temp_path(), ec))
    throw FileError(path, "libnifti failed to write the file");
  file.commit();
}

}  // namespace ambient::io
