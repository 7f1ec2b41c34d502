#include "ambient/jobs/convert.hpp"

#include "ambient/core/error.hpp"
#include "ambient/jobs/slice_range.hpp"

namespace ambient::jobs {

namespace {

// The magnitude of the image file `reference`, checked against the scan it will describe.
at::Tensor reference_image(const std::string& reference, const io::KSpace& k) {
  const at::Tensor image = at::abs(io::read_image(reference).data).to(at::kFloat).contiguous();
  const auto shape = [](int64_t s, int64_t y, int64_t x) {
    return std::to_string(s) + " x " + std::to_string(y) + " x " + std::to_string(x);
  };
  const int64_t slices = k.data.size(0), height = k.data.size(-2), width = k.data.size(-1);
  if (image.dim() != 3 || image.size(0) != slices || image.size(1) != height || image.size(2) != width)
    throw FileError(reference, "is not a reference for this scan: its images are " +
                                   (image.dim() == 3 ? shape(image.size(0), image.size(1), image.size(2))
                                                     : std::to_string(image.dim()) + "-dimensional") +
                                   " (slices x rows x columns), the scan's " + shape(slices, height, width));
  return image;
}

}  // namespace

ConvertResult convert(const std::string& input, const std::string& output, const ScanReadOptions& read,
                      const io::WriteOptions& write, io::DataKind kind, const std::string& slices,
                      const std::string& reference) {
  const io::FileFormat in = io::detect_format(input);
  const io::FileFormat out = io::output_format(output, write.format);
  ConvertResult result;
  result.kind = kind;
  if (kind == io::DataKind::automatic)
    result.kind = io::holds_kspace(in) && io::holds_kspace(out) ? io::DataKind::kspace : io::DataKind::image;

  if (result.kind == io::DataKind::kspace) {
    if (!io::holds_kspace(out))
      throw FileError(output, io::format_name(out) + " files cannot hold k-space");
    io::KSpace k = slices.empty() ? read_scan(input, read) : select_slices(read_scan(input, read), slices, input);
    const bool rich = out == io::FileFormat::ismrmrd || out == io::FileFormat::fastmri;
    if (!reference.empty()) {
      if (!rich) throw FileError(output, io::format_name(out) + " files cannot hold a reference image");
      k.reference = reference_image(reference, k);
    }
    if (!rich && k.noise.defined()) result.dropped.push_back("noise scans");
    if (!rich && k.reference.defined()) result.dropped.push_back("reference image");
    if (out == io::FileFormat::fastmri && k.noise.defined()) result.dropped.push_back("noise scans");
    if (!rich && !k.header_xml.empty()) result.dropped.push_back("ISMRMRD header");
    io::write_kspace(output, k, write);
    return result;
  }
  if (!slices.empty()) throw Error("choosing slices is for k-space; this conversion is of images");
  if (!reference.empty()) throw Error("a reference image is for k-space; this conversion is of images");
  io::ImageVolume image;
  if (io::holds_kspace(in) && in != io::FileFormat::cfl && in != io::FileFormat::npy) {
    // A raw-data file converted to an image format: its reference image, when it has one.
    const io::KSpace k = read_scan(input, read);
    if (!k.reference.defined())
      throw FileError(input, "holds k-space and no reference image; reconstruct it with "
                             "`ambient recon` to get an image");
    image.data = k.reference;
    image.header_xml = k.header_xml;
  } else {
    image = io::read_image(input, read);
  }
  io::write_image(output, image, write);
  return result;
}

}  // namespace ambient::jobs
