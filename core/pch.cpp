// Anchor for the shared precompiled header (see cmake/AmbientCompiler.cmake).
