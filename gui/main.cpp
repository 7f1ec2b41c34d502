// ambient-viewer: open scans and reconstructions, compare them, run reconstructions.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

#include "ambient/core/allocator.hpp"
#include "widgets/main_window.hpp"

int main(int argc, char** argv) {
  ambient::reuse_freed_memory();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Ambient");
  QApplication::setApplicationName("ambient-viewer");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Opens MRI scans (ISMRMRD, fastMRI, BART cfl, NumPy, NIfTI) and reconstructions side by side.\n"
      "Mouse: wheel zooms, left-drag pans, right-drag sets window/level, Shift+left-drag draws a region.\n"
      "Keys: Up/Down step the first free axis (slice), PageUp/PageDown the second (coil, sample).");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("files", "files to open, one panel each");
  const QCommandLineOption link("link", "start with the panels linked");
  const QCommandLineOption screenshot("screenshot", "write the window as PNG once drawn, then quit", "png");
  const QCommandLineOption figure("figure", "write the panels as a publication figure (.png or .pdf; an existing file is kept), then quit",
                                  "file");
  const QCommandLineOption figure_scale("figure-scale", "screen pixels per image pixel in --figure (1-8, default 2)",
                                        "n", "2");
  parser.addOption(link);
  parser.addOption(screenshot);
  parser.addOption(figure);
  parser.addOption(figure_scale);
  parser.process(app);

  ambient::gui::MainWindow window;
  // Every error the window shows also goes to stderr: scripts (--screenshot) and logs see it.
  QObject::connect(&window, &ambient::gui::MainWindow::error_shown, [](const QString& message) {
    std::fprintf(stderr, "ambient-viewer: %s\n", qPrintable(message));
  });
  int failures = 0;
  for (const QString& path : parser.positionalArguments()) failures += !window.open_file(path);
  // The first file leads: it is the reference, and linking spreads its window and view.
  if (!window.panels().empty()) {
    window.select(window.panels().front());
    window.set_reference(window.panels().front());
  }
  window.set_linked(parser.isSet(link));
  window.show();
  if (parser.isSet(figure)) {
    // The first file is the reference, so the figure carries every other panel's numbers.
    ambient::gui::FigureOptions options;
    options.scale = parser.value(figure_scale).toInt();
    options.metrics = window.reference() != nullptr;
    const bool ok = window.export_figure(parser.value(figure), options, false);  // never replaces a file
    return ok && failures == 0 ? 0 : 1;
  }
  if (parser.isSet(screenshot)) {
    QTimer::singleShot(500, &window, [&] {
      const QString path = parser.value(screenshot);
      const bool ok = window.grab().save(path, "PNG");
      if (!ok) std::fprintf(stderr, "ambient-viewer: %s: could not be written\n", qPrintable(path));
      QApplication::exit(ok && failures == 0 ? 0 : 1);
    });
  }
  return app.exec();
}
