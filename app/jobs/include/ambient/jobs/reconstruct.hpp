#pragma once
// `ambient recon`: read a scan, optionally undersample it retrospectively, reconstruct it
// with a registered method, write the image in every requested format, and compare it
// with a reference when one is given.
#include <optional>
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/posterior_reconstructor.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"
#include "ambient/recon/reconstructor.hpp"

namespace ambient::jobs {

// Retrospective undersampling: a generated pattern or a mask file, applied to every slice
// on top of what the file measured.
struct RetrospectiveMask {
  std::string pattern;  // equispaced | random | gaussian | poisson, or a mask file; empty: none
  recon::MaskOptions options;
};

struct ReconRequest {
  std::string input;
  std::string slices;                // reconstruct only these slices of the input, "A:B[:STEP]"; empty: all
  std::vector<std::string> outputs;  // one image written per name, format by extension
  std::string method = "zf";
  recon::ReconOptions options;
  std::string maps;                  // coil maps file (.cfl as BART writes them, .npy); empty: ESPIRiT
  RetrospectiveMask mask;
  bool prewhiten = false;            // whiten coil noise with the file's noise scans
  int64_t virtual_coils = 0;         // SVD coil compression to this many coils (0: none)
  // Reference image file for metrics, or "auto": the input's own reference (fastMRI's
  // reconstruction_rss, a simulated scan's ground truth), else, when undersampling
  // retrospectively, the RSS image of the k-space before undersampling.
  std::string reference;
  std::string metrics_json;          // also write the metrics here
  recon::MetricOptions metric_options;
  ScanReadOptions read;
  io::WriteOptions write;
  bool crop_to_recon_matrix = true;  // drop readout oversampling as the header asks
  // The diffusion-prior methods (adps, dps, aos): the prior file and the sampler.
  std::string prior;
  std::string device = "auto";  // where the prior's network runs: cpu, cuda[:N] or auto
  std::string precision = "auto";  // the prior's network arithmetic: float32, bfloat16 or auto (edm.hpp)
  diffusion::PosteriorReconOptions posterior;
  std::vector<std::string> uncertainty_outputs;  // the samples' pixel-wise standard deviation
  std::vector<std::string> sample_outputs;       // every posterior sample, slice-major (keeps them)
};

struct ReconSummary {
  int64_t slices = 0, ny = 0, nx = 0;
  double acceleration = 0, seconds = 0;
  int64_t evaluations = 0;  // network evaluations per slice (0: a classical method)
  std::vector<double> lambdas;  // cs, sense: each slice's regularisation weight (as chosen by auto)
  std::optional<recon::Metrics> metrics;     // over the volume
  std::vector<recon::Metrics> slice_metrics;  // each slice alone (its own maximum as range)
};

// Every method `ambient recon` offers: recon's classical ones and diffusion's posterior ones.
std::vector<recon::MethodInfo> reconstruction_methods();

// The method a request names, with its prior loaded and its coil-maps file read; made once,
// it serves every input of a batch.
std::unique_ptr<recon::Reconstructor> make_method(const ReconRequest& request);

ReconSummary reconstruct(const ReconRequest& request, Progress& progress);
// The same with a method already made (make_method); the request's method names it.
ReconSummary reconstruct(const ReconRequest& request, const recon::Reconstructor& method, Progress& progress);

// A reconstruction held in memory, as `reconstruct` writes it: the viewer shows these.
struct ReconResult {
  io::ImageVolume image;        // the reconstruction (the mean of a sampling method's samples)
  io::ImageVolume uncertainty;  // sampling methods: the samples' pixel-wise std; else data undefined
  io::ImageVolume samples;      // every sample, slice-major, when the method kept them
  at::Tensor mask;              // [slice, ky, kx] bool: the k-space the method was given
  ReconSummary summary;
};

// Read, undersample and reconstruct `request.input` without writing anything (outputs are
// ignored); metrics are computed when a reference is asked for.
ReconResult run_reconstruction(const ReconRequest& request, const recon::Reconstructor& method, Progress& progress);

// The mask a RetrospectiveMask describes for a ny x nx grid ([ky, kx] bool).
at::Tensor retrospective_mask(const RetrospectiveMask& mask, int64_t ny, int64_t nx);

// The image volume a reconstruction becomes: centre-cropped to the header's recon matrix
// (readout oversampling) with voxel sizes and the header carried over from the scan.
io::ImageVolume to_image_volume(const recon::Reconstruction& result, const io::KSpace& kspace,
                                bool crop_to_recon_matrix);

}  // namespace ambient::jobs
