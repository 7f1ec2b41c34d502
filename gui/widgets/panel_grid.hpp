#pragma once
// The panels in a grid that fits the window: as many columns as fit at a sensible panel size
// (at most about a square grid), panels shrinking to that size and the grid scrolling
// beyond it, so opening panels never makes the window grow.
#include <QScrollArea>
#include <vector>

class QGridLayout;
class QLabel;

namespace ambient::gui {

class ImagePanel;

class PanelGrid : public QScrollArea {
  Q_OBJECT
 public:
  // The smallest a panel gets before the grid scrolls.
  static constexpr int min_panel_width = 220, min_panel_height = 200;

  explicit PanelGrid(QWidget* parent = nullptr);
  // Lays out these panels (in order, row by row); the grid takes them as children.
  void set_panels(const std::vector<ImagePanel*>& panels);
  int columns() const { return columns_; }
  // The widget that holds the panels (for grabbing the grid as the user sees it).
  QWidget* content() const { return content_; }
  // A hint shown while there is no panel.
  void set_empty_hint(const QString& text);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void relayout();

  QWidget* content_;
  QGridLayout* layout_;
  QLabel* hint_;
  std::vector<ImagePanel*> panels_;
  int columns_ = 1;
};

}  // namespace ambient::gui
