#include "recon_dialog.hpp"

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

#include "ambient/diffusion/posterior_reconstructor.hpp"

namespace ambient::gui {

namespace {
const char* const as_acquired = "as acquired";
}

ReconDialog::ReconDialog(const QString& scan_path, QWidget* parent)
    : QDialog(parent), scan_path_(scan_path), method_(new QComboBox), pattern_(new QComboBox),
      acceleration_(new QDoubleSpinBox), acs_(new QSpinBox), mask_seed_(new QSpinBox), prior_(new QLineEdit),
      steps_(new QSpinBox), samples_(new QSpinBox) {
  setWindowTitle("Reconstruct");
  for (const auto& m : jobs::reconstruction_methods())
    method_->addItem(QString::fromStdString(m.name + " - " + m.summary), QString::fromStdString(m.name));
  pattern_->addItems({as_acquired, "random", "equispaced", "gaussian", "poisson"});
  pattern_->setToolTip("Undersample the scan retrospectively, on top of what it measured");
  acceleration_->setRange(1, 64);
  acceleration_->setValue(4);
  acceleration_->setDecimals(1);
  acs_->setRange(0, 512);
  acs_->setValue(24);
  mask_seed_->setRange(0, 1 << 30);
  steps_->setRange(1, 2000);
  steps_->setValue(diffusion::PosteriorOptions{}.schedule.steps);
  samples_->setRange(1, 64);
  samples_->setValue(int(diffusion::PosteriorOptions{}.samples));
  prior_->setPlaceholderText("prior (.pt); empty: the bundled one (ambient for adps and aos, clean for dps)");
  auto* browse = new QPushButton("Browse...");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, "Prior", prior_->text(), "Priors (*.pt);;All files (*)");
    if (!f.isEmpty()) prior_->setText(f);
  });
  auto* prior_row = new QHBoxLayout;
  prior_row->addWidget(prior_, 1);
  prior_row->addWidget(browse);

  auto* form = new QFormLayout(this);
  form->addRow("Scan", new QLabel(scan_path));
  form->addRow("Method", method_);
  form->addRow("Sampling", pattern_);
  form->addRow("Acceleration R", acceleration_);
  form->addRow("ACS lines", acs_);
  form->addRow("Mask seed", mask_seed_);
  form->addRow("Prior", prior_row);
  form->addRow("Steps", steps_);
  form->addRow("Samples", samples_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons->button(QDialogButtonBox::Ok)->setText("Run");
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
  connect(method_, &QComboBox::currentIndexChanged, this, [this] { update_enabled(); });
  connect(pattern_, &QComboBox::currentIndexChanged, this, [this] { update_enabled(); });
  update_enabled();
}

void ReconDialog::update_enabled() {
  const bool retrospective = pattern_->currentText() != as_acquired;
  acceleration_->setEnabled(retrospective);
  acs_->setEnabled(retrospective);
  mask_seed_->setEnabled(retrospective);
  const bool diffusion = diffusion::is_posterior_method(method_->currentData().toString().toStdString());
  prior_->setEnabled(diffusion);
  steps_->setEnabled(diffusion);
  samples_->setEnabled(diffusion && method_->currentData().toString() != "aos");
}

jobs::ReconRequest ReconDialog::request() const {
  jobs::ReconRequest r;
  r.input = scan_path_.toStdString();
  r.method = method_->currentData().toString().toStdString();
  if (pattern_->currentText() != as_acquired) {
    r.mask.pattern = pattern_->currentText().toStdString();
    r.mask.options.acceleration = acceleration_->value();
    r.mask.options.calibration = acs_->value();
    r.mask.options.seed = static_cast<uint64_t>(mask_seed_->value());
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
  const int p = pattern_->findText(r.mask.pattern.empty() ? as_acquired : QString::fromStdString(r.mask.pattern));
  if (p >= 0) pattern_->setCurrentIndex(p);
  acceleration_->setValue(r.mask.options.acceleration);
  acs_->setValue(int(r.mask.options.calibration));
  mask_seed_->setValue(int(r.mask.options.seed));
  prior_->setText(QString::fromStdString(r.prior));
  steps_->setValue(r.posterior.sampling.schedule.steps);
  samples_->setValue(int(r.posterior.sampling.samples));
  update_enabled();
}

}  // namespace ambient::gui
