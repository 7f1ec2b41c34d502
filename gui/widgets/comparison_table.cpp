#include "comparison_table.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ambient::gui {

namespace {
QString format_number(double v) { return QString::number(v, 'g', 5); }
}  // namespace

ComparisonTable::ComparisonTable(QWidget* parent)
    : QWidget(parent), heading_(new QLabel), table_(new QTableWidget(0, 8)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  heading_->setWordWrap(true);
  layout->addWidget(heading_);
  layout->addWidget(table_, 1);
  table_->setHorizontalHeaderLabels({"panel", "plane", "ROI mean", "ROI std", "PSNR dB", "SSIM", "NMSE", "note"});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  show_rows({}, {});
}

void ComparisonTable::show_rows(const std::vector<ComparisonRow>& rows, const ComparisonContext& context) {
  QString heading = context.reference.empty()
                        ? "No reference: Compare > Set as reference (Ctrl+E) scores every image panel against one."
                        : "Against " + QString::fromStdString(context.reference) +
                              ", each panel at the reference's plane (PSNR, SSIM, NMSE of magnitudes).";
  if (!context.region.empty()) heading += " Region: " + QString::fromStdString(context.region) + ".";
  heading_->setText(heading);
  table_->setRowCount(int(rows.size()));
  for (int i = 0; i < int(rows.size()); ++i) {
    const auto& r = rows[i];
    const QStringList cells = {
        QString::fromStdString(r.panel), QString::fromStdString(r.plane),
        r.roi ? format_number(r.roi->mean) : "", r.roi ? format_number(r.roi->std) : "",
        r.metrics ? QString::number(r.metrics->psnr, 'f', 2) : "", r.metrics ? QString::number(r.metrics->ssim, 'f', 4) : "",
        r.metrics ? format_number(r.metrics->nmse) : "", QString::fromStdString(r.note)};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
  }
}

QString ComparisonTable::heading() const { return heading_->text(); }

}  // namespace ambient::gui
