#include "ambient/io/fastmri.hpp"

#include <ATen/ATen.h>
#include <H5Cpp.h>

#include <cmath>
#include <complex>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "file_checks.hpp"
#include "hdf5_support.hpp"
#include "ismrmrd_header.hpp"

namespace ambient::io {

namespace {

// h5py's complex64: a compound of two floats named r and i.
H5::CompType complex_type() {
  H5::CompType t(sizeof(std::complex<float>));
  t.insertMember("r", 0, H5::PredType::NATIVE_FLOAT);
  t.insertMember("i", sizeof(float), H5::PredType::NATIVE_FLOAT);
  return t;
}

bool has_complex_members(const H5::DataSet& ds) {
  if (ds.getTypeClass() != H5T_COMPOUND) return false;
  const H5::CompType t = ds.getCompType();
  return t.getNmembers() == 2 && t.getMemberIndex("r") >= 0 && t.getMemberIndex("i") >= 0;
}

std::vector<int64_t> dims_of(const H5::DataSet& ds) {
  const H5::DataSpace space = ds.getSpace();
  std::vector<hsize_t> d(space.getSimpleExtentNdims());
  space.getSimpleExtentDims(d.data());
  return std::vector<int64_t>(d.begin(), d.end());
}

at::Tensor read_float_dataset(const H5::DataSet& ds, const std::string& name,
                              const std::string& path) {
  if (ds.getTypeClass() != H5T_FLOAT && ds.getTypeClass() != H5T_INTEGER)
    throw FileError(path, "dataset '" + name + "' is not numeric");
  const auto dims = dims_of(ds);
  checked_element_count(dims, sizeof(float), path);
  at::Tensor out = at::empty(dims, at::kFloat);
  ds.read(out.data_ptr(), H5::PredType::NATIVE_FLOAT);
  return out;
}

std::string read_string_dataset(const H5::DataSet& ds) {
  const H5::StrType type = ds.getStrType();
  std::string out;
  ds.read(out, type);
  return out;
}

bool has(const H5::H5File& f, const char* name) { return H5Lexists(f.getId(), name, H5P_DEFAULT) > 0; }

// A mask that is the same on every slice and constant along kx is a 1D line mask.
bool is_line_mask(const at::Tensor& mask) {
  const at::Tensor lines = mask.any(-1);
  return mask.eq(lines.unsqueeze(-1)).all().item<bool>() &&
         lines.eq(lines[0].unsqueeze(0)).all().item<bool>();
}

int64_t centre_run(const at::Tensor& line_mask) {  // fully sampled lines around DC
  const auto m = line_mask.contiguous();
  const auto* p = m.data_ptr<bool>();
  const int64_t n = m.numel(), c = n / 2;
  if (!p[c]) return 0;
  int64_t lo = c, hi = c;
  while (lo > 0 && p[lo - 1]) --lo;
  while (hi + 1 < n && p[hi + 1]) ++hi;
  return hi - lo + 1;
}

KSpace read(const std::string& path) {
  H5::H5File f(path, H5F_ACC_RDONLY);
  if (!has(f, "kspace")) throw FileError(path, "has no 'kspace' dataset: not a fastMRI file");
  const H5::DataSet ds = f.openDataSet("kspace");
  if (!has_complex_members(ds))
    throw FileError(path, "dataset 'kspace' is not complex (expected h5py's compound {r, i})");
  auto dims = dims_of(ds);
  if (dims.size() != 3 && dims.size() != 4)
    throw FileError(path, "'kspace' has " + std::to_string(dims.size()) +
                              " dimensions; expected [slice, coil, readout, phase] or "
                              "[slice, readout, phase]");
  checked_element_count(dims, 8, path);
  at::Tensor raw = at::empty(dims, at::kComplexFloat);
  ds.read(raw.data_ptr(), complex_type());
  if (dims.size() == 3) raw = raw.unsqueeze(1);  // single-coil

  KSpace k;
  k.source_path = path;
  k.source_format = "fastmri";
  k.data = raw.transpose(2, 3).contiguous();  // phase encode becomes ky
  const int64_t S = k.slices(), ny = k.ny(), nx = k.nx();
  if (has(f, "mask")) {
    const at::Tensor m = read_float_dataset(f.openDataSet("mask"), "mask", path).flatten();
    if (m.numel() != ny)
      throw FileError(path, "'mask' has " + std::to_string(m.numel()) +
                                " entries, the phase-encode axis " + std::to_string(ny));
    k.mask = (m != 0).view({1, ny, 1}).expand({S, ny, nx}).contiguous();
  } else {
    k.mask = mask_from_zeros(k.data);  // undersampled files store skipped lines as zeros
  }
  for (const char* name : {"reconstruction_rss", "reconstruction_esc"}) {
    if (!has(f, name)) continue;
    const at::Tensor ref = read_float_dataset(f.openDataSet(name), name, path);
    if (ref.dim() != 3 || ref.size(0) != S)
      throw FileError(path, std::string("'") + name + "' is not [slice, y, x] with one image per slice");
    k.reference = ref.transpose(1, 2).contiguous();  // same orientation as the k-space
    break;
  }
  if (has(f, "ismrmrd_header")) {
    k.header_xml = read_string_dataset(f.openDataSet("ismrmrd_header"));
    try {
      k.geometry = summarize_header(k.header_xml, path).geometry;
    } catch (const FileError&) {
      k.geometry = {};  // fastMRI's k-space is usable without its header
    }
  }
  const at::Tensor lines = k.mask[0].any(-1);
  const int64_t acs = centre_run(lines);
  for (int64_t y = ny / 2 - acs / 2; acs > 0 && y < ny / 2 - acs / 2 + acs; ++y)
    k.calibration_lines.push_back(y);
  return k;
}

}  // namespace

KSpace read_fastmri(const std::string& path) {
  require_regular_file(path);
  if (!is_hdf5(path)) throw FileError(path, "not an HDF5 file");
  H5::Exception::dontPrint();
  KSpace k;
  try {
    k = read(path);
  } catch (const H5::Exception& e) {
    throw FileError(path, "HDF5 error: " + e.getDetailMsg());
  }
  validate(k, path);
  return k;
}

void write_fastmri(const std::string& path, const KSpace& k, bool overwrite) {
  validate(k, path);
  H5::Exception::dontPrint();
  OutputFile file(path, overwrite);
  try {
    H5::H5File f(file.temp_path(), H5F_ACC_TRUNC);
    const at::Tensor masked = (k.data * k.mask.unsqueeze(1)).transpose(2, 3).contiguous();
    std::vector<hsize_t> dims(masked.sizes().begin(), masked.sizes().end());
    H5::DataSet ks = f.createDataSet("kspace", complex_type(), H5::DataSpace(4, dims.data()));
    ks.write(masked.data_ptr(), complex_type());

    const std::string xml = header_for(k);
    H5::StrType str(H5::PredType::C_S1, xml.size());
    f.createDataSet("ismrmrd_header", str, H5::DataSpace(H5S_SCALAR)).write(xml, str);

    if (k.reference.defined()) {
      const at::Tensor ref = k.reference.to(at::kFloat).transpose(1, 2).contiguous();
      std::vector<hsize_t> rd(ref.sizes().begin(), ref.sizes().end());
      H5::DataSet r = f.createDataSet("reconstruction_rss", H5::PredType::NATIVE_FLOAT,
                                      H5::DataSpace(3, rd.data()));
      r.write(ref.data_ptr(), H5::PredType::NATIVE_FLOAT);
      const float max = ref.max().item<float>();
      f.createAttribute("max", H5::PredType::NATIVE_DOUBLE, H5::DataSpace(H5S_SCALAR))
          .write(H5::PredType::NATIVE_FLOAT, &max);
    }
    if (is_line_mask(k.mask)) {
      const at::Tensor lines = k.mask[0].any(-1).to(at::kFloat).contiguous();
      const hsize_t n = lines.numel();
      if (lines.sum().item<int64_t>() < k.ny()) {
        f.createDataSet("mask", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, &n))
            .write(lines.data_ptr(), H5::PredType::NATIVE_FLOAT);
        const int64_t acceleration = std::llround(k.acceleration());
        const int64_t low = centre_run(k.mask[0].any(-1));
        f.createAttribute("acceleration", H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR))
            .write(H5::PredType::NATIVE_INT64, &acceleration);
        f.createAttribute("num_low_frequency", H5::PredType::NATIVE_INT64,
                          H5::DataSpace(H5S_SCALAR))
            .write(H5::PredType::NATIVE_INT64, &low);
      }
    }
  } catch (const H5::Exception& e) {
    throw FileError(path, "HDF5 error while writing: " + e.getDetailMsg());
  }
  file.commit();
}

}  // namespace ambient::io
