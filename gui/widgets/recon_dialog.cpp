#include "recon_dialog.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <map>

#include "ambient/diffusion/posterior_reconstructor.hpp"

namespace ambient::gui {

namespace {

const char* const as_acquired = "as acquired";

std::optional<recon::MethodDefaults> defaults_of(const std::string& method) {
  for (const auto& m : jobs::reconstruction_methods())
    if (m.name == method) return m.defaults;
  return std::nullopt;
}

}  // namespace

QString ReconDialog::method_label(const std::string& method) {
  static const std::map<std::string, QString> labels = {
      {"zf", "Zero-filled (no reconstruction)"},
      {"sense", "SENSE (parallel imaging, Tikhonov)"},
      {"cs", "Compressed sensing (L1-wavelet)"},
      {"adps", "Diffusion posterior, ambient prior (mean and uncertainty)"},
      {"dps", "Diffusion posterior, clean prior (mean and uncertainty)"},
      {"aos", "Diffusion one-step estimate, ambient prior"},
  };
  const auto it = labels.find(method);
  return it != labels.end() ? it->second : QString::fromStdString(method);
}

ReconDialog::ReconDialog(const QString& scan_path, QWidget* parent)
    : QDialog(parent), scan_path_(scan_path), method_(new QComboBox), slices_(new QLineEdit), pattern_(new QComboBox),
      acceleration_(new QDoubleSpinBox), acs_(new QSpinBox), mask_seed_(new QSpinBox),
      automatic_lambda_(new QCheckBox("choose from the scan (k-space cross-validation)")),
      lambda_(new QDoubleSpinBox), iterations_(new QSpinBox), prior_(new QLineEdit), steps_(new QSpinBox),
      samples_(new QSpinBox) {
  setWindowTitle("Reconstruct");
  configure_fields();
  lay_out();
  connect(method_, &QComboBox::currentIndexChanged, this, [this] {
    show_method_defaults();
    update_enabled();
  });
  connect(pattern_, &QComboBox::currentIndexChanged, this, [this] { update_enabled(); });
  connect(automatic_lambda_, &QCheckBox::toggled, this, [this] { update_enabled(); });
  show_method_defaults();
  update_enabled();
}

void ReconDialog::configure_fields() {
  for (const auto& m : jobs::reconstruction_methods()) {
    method_->addItem(method_label(m.name), QString::fromStdString(m.name));
    method_->setItemData(method_->count() - 1, QString::fromStdString(m.summary), Qt::ToolTipRole);
  }
  slices_->setPlaceholderText("all slices; or first:last, e.g. 10:20 (from 0, the last excluded)");
  pattern_->addItems({as_acquired, "random", "equispaced", "gaussian", "poisson"});
  pattern_->setToolTip("Undersample the scan retrospectively, on top of what it measured");
  acceleration_->setRange(1, 64);
  acceleration_->setValue(4);
  acceleration_->setDecimals(1);
  acs_->setRange(0, 512);
  acs_->setValue(24);
  acs_->setToolTip("Fully sampled lines at the centre of k-space (coil calibration)");
  mask_seed_->setRange(0, 1 << 30);
  mask_seed_->setToolTip("The same seed draws the same sampling pattern");
  lambda_->setDecimals(6);
  lambda_->setRange(1e-6, 10);
  lambda_->setSingleStep(0.001);
  lambda_->setToolTip("Larger: smoother and less noisy; smaller: closer to the measured data");
  iterations_->setRange(1, 10000);
  steps_->setRange(1, 2000);
  steps_->setValue(diffusion::PosteriorOptions{}.schedule.steps);
  steps_->setToolTip("Noise levels the sampler walks through: one network evaluation each");
  samples_->setRange(1, 64);
  samples_->setValue(int(diffusion::PosteriorOptions{}.samples));
  samples_->setToolTip("Independent posterior samples: their mean is the image, their spread the uncertainty map");
  prior_->setPlaceholderText("empty: the prior that comes with Ambient");
}

void ReconDialog::lay_out() {
  auto* browse = new QPushButton("Browse...");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, "Prior", prior_->text(), "Priors (*.pt);;All files (*)");
    if (!f.isEmpty()) prior_->setText(f);
  });
  auto* prior_row = new QHBoxLayout;
  prior_row->addWidget(prior_, 1);
  prior_row->addWidget(browse);
  auto* lambda_row = new QHBoxLayout;
  lambda_row->addWidget(lambda_);
  lambda_row->addWidget(automatic_lambda_, 1);

  auto* form = new QFormLayout(this);
  form->addRow("Scan", new QLabel(scan_path_));
  form->addRow("Method", method_);
  form->addRow("Slices", slices_);
  form->addRow("Sampling", pattern_);
  form->addRow("Acceleration R", acceleration_);
  form->addRow("Calibration lines", acs_);
  form->addRow("Pattern seed", mask_seed_);
  form->addRow("Regularisation weight", lambda_row);
  form->addRow("Iterations", iterations_);
  form->addRow("Prior", prior_row);
  form->addRow("Sampler steps", steps_);
  form->addRow("Posterior samples", samples_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText("Run");
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

void ReconDialog::show_method_defaults() {
  if (const auto d = defaults_of(method_->currentData().toString().toStdString())) {
    automatic_lambda_->setChecked(d->automatic_lambda);
    lambda_->setValue(d->lambda);
    iterations_->setValue(d->iterations);
  }
}

void ReconDialog::update_enabled() {
  const bool retrospective = pattern_->currentText() != as_acquired;
  acceleration_->setEnabled(retrospective);
  acs_->setEnabled(retrospective);
  mask_seed_->setEnabled(retrospective);
  const std::string method = method_->currentData().toString().toStdString();
  const bool weighted = defaults_of(method).has_value();
  automatic_lambda_->setEnabled(weighted);
  lambda_->setEnabled(weighted && !automatic_lambda_->isChecked());
  iterations_->setEnabled(weighted);
  const bool diffusion = diffusion::is_posterior_method(method);
  prior_->setEnabled(diffusion);
  steps_->setEnabled(diffusion && method != "aos");
  samples_->setEnabled(diffusion && method != "aos");
}

jobs::ReconRequest ReconDialog::request() const {
  jobs::ReconRequest r;
  r.input = scan_path_.toStdString();
  r.method = method_->currentData().toString().toStdString();
  r.slices = slices_->text().trimmed().toStdString();
  if (pattern_->currentText() != as_acquired) {
    r.mask.pattern = pattern_->currentText().toStdString();
    r.mask.options.acceleration = acceleration_->value();
    r.mask.options.calibration = acs_->value();
    r.mask.options.seed = static_cast<uint64_t>(mask_seed_->value());
  }
  if (defaults_of(r.method)) {
    r.options.automatic_lambda = automatic_lambda_->isChecked();
    if (!r.options.automatic_lambda) r.options.lambda = lambda_->value();
    r.options.iterations = iterations_->value();
  }
  if (diffusion::is_posterior_method(r.method)) {
    r.prior = prior_->text().toStdString();
    r.posterior.sampling.schedule.steps = steps_->value();
    r.posterior.sampling.samples = samples_->value();
    r.posterior.keep_samples = true;
  }
  return r;
}

void ReconDialog::set_request(const jobs::ReconRequest& r) {
  const int m = method_->findData(QString::fromStdString(r.method));
  if (m >= 0) method_->setCurrentIndex(m);
  slices_->setText(QString::fromStdString(r.slices));
  const int p = pattern_->findText(r.mask.pattern.empty() ? as_acquired : QString::fromStdString(r.mask.pattern));
  if (p >= 0) pattern_->setCurrentIndex(p);
  acceleration_->setValue(r.mask.options.acceleration);
  acs_->setValue(int(r.mask.options.calibration));
  mask_seed_->setValue(int(r.mask.options.seed));
  automatic_lambda_->setChecked(r.options.automatic_lambda);
  if (r.options.lambda) lambda_->setValue(*r.options.lambda);
  if (r.options.iterations) iterations_->setValue(*r.options.iterations);
  prior_->setText(QString::fromStdString(r.prior));
  steps_->setValue(r.posterior.sampling.schedule.steps);
  samples_->setValue(int(r.posterior.sampling.samples));
  update_enabled();
}

}  // namespace ambient::gui
