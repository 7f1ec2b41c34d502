// GoogleTest's main for the viewer's tests: one QApplication for all of them, on Qt's
// offscreen platform unless QT_QPA_PLATFORM says otherwise, with QSettings and other
// standard paths in Qt's test locations (a developer's recent-files list stays untouched).
#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Ambient");
  QApplication::setApplicationName("ambient-viewer-tests");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
