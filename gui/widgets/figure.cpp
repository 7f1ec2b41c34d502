#include "figure.hpp"

#include <QFileInfo>
#include <QFont>
#include <QFontMetrics>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "color_bar.hpp"

namespace ambient::gui {

namespace {

constexpr int pad = 10, bar_width = 72;

QFont figure_font() {
  QFont f("DejaVu Sans");
  f.setPixelSize(13);
  return f;
}

struct Layout {
  int columns = 1, rows = 1;
  QSize image;  // the largest scaled image: every cell gets this room
  int title = 0, numbers = 0;
  QSize cell() const { return {image.width() + bar_width + pad, title + image.height() + numbers + pad}; }
  QSize size() const { return {columns * cell().width() + pad, rows * cell().height() + pad}; }
};

Layout layout_of(const std::vector<FigurePanel>& panels, const FigureOptions& o) {
  if (o.scale < 1 || o.scale > 8) throw Error("the figure scale must be 1 to 8 screen pixels per image pixel");
  Layout l;
  const int n = std::max<int>(1, int(panels.size()));
  l.columns = o.columns > 0 ? std::min(o.columns, n) : int(std::ceil(std::sqrt(double(n))));
  l.rows = (n + l.columns - 1) / l.columns;
  for (const auto& p : panels) {
    const at::Tensor plane = current_plane(*p.state);
    l.image = l.image.expandedTo(QSize(int(plane.size(1)) * o.scale, int(plane.size(0)) * o.scale));
  }
  const int line = QFontMetrics(figure_font()).height() + 4;
  l.title = line;
  l.numbers = o.metrics ? line : 0;
  return l;
}

QString numbers_text(const ComparisonRow& r) {
  if (r.metrics) return QString("PSNR %1 dB, SSIM %2").arg(r.metrics->psnr, 0, 'f', 2).arg(r.metrics->ssim, 0, 'f', 4);
  return r.note == "reference" || r.note.rfind("reference ", 0) == 0 ? QString("reference") : QString();
}

}  // namespace

QImage render_plane(const PanelState& state) {
  const at::Tensor values = current_values(state);
  const std::vector<uint32_t> pixels = render_pixels(values, state.window, state.colormap);
  const int h = int(values.size(0)), w = int(values.size(1));
  QImage image(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y)
    std::copy_n(pixels.data() + size_t(y) * w, w, reinterpret_cast<uint32_t*>(image.scanLine(y)));
  return image;
}

QSize figure_size(const std::vector<FigurePanel>& panels, const FigureOptions& options) {
  return layout_of(panels, options).size();
}

void paint_figure(QPainter& painter, const std::vector<FigurePanel>& panels, const FigureOptions& options) {
  const Layout l = layout_of(panels, options);
  painter.fillRect(QRect(QPoint(0, 0), l.size()), Qt::white);
  painter.setFont(figure_font());
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // pixels stay pixels
  for (size_t i = 0; i < panels.size(); ++i) {
    const auto& p = panels[i];
    const QPoint cell(pad + int(i) % l.columns * l.cell().width(), pad + int(i) / l.columns * l.cell().height());
    const QImage image = render_plane(*p.state);
    const QRect target(cell.x(), cell.y() + l.title, image.width() * options.scale, image.height() * options.scale);
    painter.setPen(Qt::black);
    painter.drawText(QRect(cell.x(), cell.y(), l.image.width() + bar_width, l.title), Qt::AlignLeft | Qt::AlignVCenter,
                     painter.fontMetrics().elidedText(p.title, Qt::ElideMiddle, l.image.width() + bar_width));
    painter.drawImage(target, image);
    paint_color_bar(painter, QRect(target.right() + 6, target.top(), bar_width - 6, target.height()),
                    p.state->colormap, p.state->window, Qt::black);
    if (options.metrics && p.numbers)
      painter.drawText(QRect(cell.x(), target.bottom() + 1, l.image.width() + bar_width, l.numbers),
                       Qt::AlignLeft | Qt::AlignVCenter, numbers_text(*p.numbers));
  }
}

void write_figure(const QString& path, const std::vector<FigurePanel>& panels, const FigureOptions& options,
                  bool overwrite) {
  if (panels.empty()) throw Error("there is no panel to put in a figure");
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != "png" && suffix != "pdf")
    throw FileError(path.toStdString(), "a figure is written as .png or .pdf");
  const QSize size = figure_size(panels, options);
  io::OutputFile file(path.toStdString(), overwrite);
  const QString temp = QString::fromStdString(file.temp_path());
  if (suffix == "png") {
    QImage image(size, QImage::Format_RGB32);
    {
      QPainter painter(&image);
      paint_figure(painter, panels, options);
    }
    if (!image.save(temp, "PNG")) throw FileError(path.toStdString(), "could not be written as PNG");
  } else {
    QPdfWriter pdf(temp);
    pdf.setResolution(72);  // one figure pixel is one point
    pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, {}, QPageSize::ExactMatch));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    pdf.setCreator("Ambient viewer");
    QPainter painter;
    if (!painter.begin(&pdf)) throw FileError(path.toStdString(), "could not be written as PDF");
    paint_figure(painter, panels, options);
    painter.end();
  }
  file.commit();
}

}  // namespace ambient::gui
