#pragma once
// "Reconstruct" dialog, in the words of the scan's reader rather than the CLI's flags: the
// method (the same table as `ambient recon --method`, with plain names), which slices, the
// retrospective sampling (as acquired, or a pattern at an acceleration with calibration lines
// and a seed), the regularisation weight (automatic or a number) and iterations of the
// classical methods, and the prior, steps and samples of the diffusion methods.
#include <QDialog>

#include "ambient/jobs/reconstruct.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace ambient::gui {

class ReconDialog : public QDialog {
  Q_OBJECT
 public:
  ReconDialog(const QString& scan_path, QWidget* parent = nullptr);

  // The request the dialog's fields describe, for `scan_path`, writing nothing.
  jobs::ReconRequest request() const;
  // Fills the fields from a request (the last one used, so settings carry over).
  void set_request(const jobs::ReconRequest& request);
  // The plain name the method list shows for a method ("Compressed sensing (L1-wavelet)").
  static QString method_label(const std::string& method);

 private:
  void configure_fields();  // ranges, defaults and tooltips
  void lay_out();           // the form and its buttons
  void update_enabled();
  void show_method_defaults();

  QString scan_path_;
  QComboBox* method_;
  QLineEdit* slices_;
  QComboBox* pattern_;
  QDoubleSpinBox* acceleration_;
  QSpinBox* acs_;
  QSpinBox* mask_seed_;
  QCheckBox* automatic_lambda_;
  QDoubleSpinBox* lambda_;
  QSpinBox* iterations_;
  QLineEdit* prior_;
  QSpinBox* steps_;
  QSpinBox* samples_;
};

}  // namespace ambient::gui
