// ambient-viewer: open scans and reconstructions, compare them, run reconstructions.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

#include "widgets/main_window.hpp"

int main(int argc, char** argv) {
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
  parser.addOption(link);
  parser.addOption(screenshot);
  parser.process(app);

  ambient::gui::MainWindow window;
  int failures = 0;
  for (const QString& path : parser.positionalArguments()) failures += !window.open_file(path);
  window.set_linked(parser.isSet(link));
  if (!window.panels().empty()) {
    window.select(window.panels().front());
    window.set_reference(window.panels().front());
  }
  window.show();
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
