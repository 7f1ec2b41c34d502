#pragma once
// The comparison dock's content: a heading naming the reference and the region, and one
// row per panel (its plane, region statistics, PSNR / SSIM / NMSE, and why a panel is not
// scored).
#include <QWidget>
#include <vector>

#include "../model/comparison.hpp"

class QLabel;
class QTableWidget;

namespace ambient::gui {

class ComparisonTable : public QWidget {
  Q_OBJECT
 public:
  explicit ComparisonTable(QWidget* parent = nullptr);
  void show_rows(const std::vector<ComparisonRow>& rows, const ComparisonContext& context);
  QString heading() const;

 private:
  QLabel* heading_;
  QTableWidget* table_;
};

}  // namespace ambient::gui
