#pragma once
// The viewer's window on Qt's offscreen platform, for the window tests: synthetic mouse
// events and a fixture with a phantom scan and a shown window.
#include <gtest/gtest.h>

#include <QApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>
#include <string>

#include "test_support.hpp"
#include "viewer_test_data.hpp"
#include "widgets/main_window.hpp"

namespace ambient::gui {

using test::TempDir;

inline void mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons held,
           Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  QMouseEvent e(type, at, w->mapToGlobal(at), button, held, modifiers);
  QApplication::sendEvent(w, &e);
}

inline void drag(QWidget* w, QPointF from, QPointF to, Qt::MouseButton button, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  mouse(w, QEvent::MouseButtonPress, from, button, button, modifiers);
  mouse(w, QEvent::MouseMove, (from + to) / 2, Qt::NoButton, button, modifiers);
  mouse(w, QEvent::MouseMove, to, Qt::NoButton, button, modifiers);
  mouse(w, QEvent::MouseButtonRelease, to, button, Qt::NoButton, modifiers);
}

struct Viewer : ::testing::Test {
  TempDir dir;
  MainWindow window;
  std::string scan;
  void SetUp() override {
    scan = test::write_phantom(dir / "phantom.h5");
    window.resize(1000, 700);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  }
  ImagePanel* open(const std::string& path) {
    const size_t before = window.panels().size();
    EXPECT_TRUE(window.open_file(QString::fromStdString(path))) << window.last_error().toStdString();
    EXPECT_EQ(window.panels().size(), before + 1);
    return window.panels().empty() ? nullptr : window.panels().back();
  }
  bool wait_for_job(QSignalSpy& spy) { return spy.count() > 0 || spy.wait(180000); }
};

}  // namespace ambient::gui
