#pragma once
// "Reconstruct" dialog: method (from the same table as `ambient recon --method`), the
// retrospective sampling (as acquired, or a pattern at an acceleration with ACS lines),
// and for the diffusion methods the prior, steps and samples.
#include <QDialog>

#include "ambient/jobs/reconstruct.hpp"

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

 private:
  void update_enabled();

  QString scan_path_;
  QComboBox* method_;
  QComboBox* pattern_;
  QDoubleSpinBox* acceleration_;
  QSpinBox* acs_;
  QSpinBox* mask_seed_;
  QLineEdit* prior_;
  QSpinBox* steps_;
  QSpinBox* samples_;
};

}  // namespace ambient::gui
