#pragma once
// The viewer's window: the panels (in a PanelGrid), the controls of the selected panel, the
// comparison table (ComparisonTable), menus, a pixel readout and the reconstruction runner
// (ReconRunner) in the status bar.
// Public methods are the actions the menus call, so tests drive the window as a user would.
#include <QMainWindow>
#include <optional>
#include <vector>

#include "../model/comparison.hpp"
#include "ambient/jobs/reconstruct.hpp"
#include "figure.hpp"
#include "image_panel.hpp"

class QDockWidget;
class QLabel;
class QMenu;

namespace ambient::gui {

class ComparisonTable;
class ControlPanel;
class PanelGrid;
class ReconRunner;
enum class WindowPreset;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a file as a new panel (its k-space and mask come along as related arrays).
  // On failure shows the error and returns false; the window keeps running.
  bool open_file(const QString& path);
  // The same on a worker thread (the menus, drops and recent files use it); file_loaded()
  // tells when it is done.
  void open_file_in_background(const QString& path);
  int files_loading() const { return loading_; }
  ImagePanel* add_panel(PanelState state);
  void close_panel(ImagePanel* panel);
  const std::vector<ImagePanel*>& panels() const { return panels_; }

  ImagePanel* current_panel() const { return current_; }
  void select(ImagePanel* panel);
  // Applies a new state to a panel as a user edit would: linked panels follow.
  void change_state(ImagePanel* panel, PanelState state);
  void set_linked(bool linked);
  bool linked() const { return linked_; }
  void set_crosshair_enabled(bool enabled);
  // Turns the current panel (and linked panels) a quarter turn (+1 clockwise, -1 anti-
  // clockwise) or mirrors it left-right; display only.
  void turn(int quarter_turns);
  void mirror();
  // Only an image panel can be the reference (not k-space, a mask, a difference or an
  // uncertainty map): false and an error otherwise.
  bool set_reference(ImagePanel* panel);
  ImagePanel* reference() const { return reference_; }
  // |current| - |reference| as a new panel; nullptr (and an error shown) when impossible.
  ImagePanel* show_difference();
  // The current panel's related array of that kind as a new panel (k-space, mask, uncertainty).
  ImagePanel* show_related(ViewKind kind);
  void apply_preset(WindowPreset preset);
  // Steps the n-th axis that is neither x nor y of the current panel (keys Up/Down: 0, PageUp/PageDown: 1).
  void step_axis(int which, int delta);
  void set_roi(std::optional<Roi> roi);
  std::vector<ComparisonRow> comparison_rows() const;
  ComparisonContext comparison_context() const;
  ComparisonTable* comparison_table() const { return table_; }
  PanelGrid* panel_grid() const { return grid_; }
  QString pixel_readout() const;

  // Writes the panel's image volume (not its rendering) in any format Ambient writes.
  bool save_panel(ImagePanel* panel, const QString& path);
  bool export_panel(ImagePanel* panel, const QString& path);
  bool export_grid(const QString& path);
  // The displayed panels as a publication figure (figure.hpp), PNG or PDF by the suffix, in
  // the grid's columns; replaces an existing file only when `overwrite` (the file dialog asked).
  bool export_figure(const QString& path, const FigureOptions& options, bool overwrite = true);
  bool export_comparison(const QString& path);
  // The keys and mouse actions, as Help > Keys and mouse shows them.
  static QString shortcuts_text();

  // The k-space file the current panel came from ("" when it is not from one).
  QString scan_path() const;
  bool start_reconstruction(const jobs::ReconRequest& request);
  void cancel_reconstruction();
  bool reconstruction_running() const;
  QString last_error() const { return last_error_; }
  QStringList recent_files() const;

 Q_SIGNALS:
  void reconstruction_ended(bool succeeded, QString message);
  void file_loaded(bool succeeded);
  void error_shown(QString message);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_menus();
  void build_view_menu();
  void build_compare_and_reconstruct_menus();
  void build_help_menu();
  void show_opened(const QString& path, std::vector<ViewArray> views);
  void relayout();
  void reorient(Orientation orientation);  // the current panel's, and linked panels'
  void show_error(const QString& message);
  void remember_recent(const QString& path);
  void update_recent_menu();
  void refresh_table();
  void update_actions();
  void hover(ImagePanel* panel, QPointF point);
  void show_reconstruction(const jobs::ReconResult& result, const jobs::ReconRequest& request);
  void end_job(bool succeeded, const QString& message);
  void ask_and_reconstruct();
  void ask_and_export_figure();

  PanelGrid* grid_;
  std::vector<ImagePanel*> panels_;
  ImagePanel* current_ = nullptr;
  ImagePanel* reference_ = nullptr;
  bool linked_ = false, crosshair_ = false;
  std::optional<Roi> roi_;
  ControlPanel* controls_;
  ComparisonTable* table_;
  QLabel* readout_;
  QMenu* recent_menu_ = nullptr;
  QAction* link_action_ = nullptr;
  QAction* crosshair_action_ = nullptr;
  std::vector<QAction*> panel_actions_;  // enabled only with a current panel
  QAction* recon_action_ = nullptr;
  ReconRunner* runner_;
  QString last_error_;
  int loading_ = 0;  // files being read in the background
};

}  // namespace ambient::gui
