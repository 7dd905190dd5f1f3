// Which request paths may be answered from the static UI folder, and how
// (server.cc's ServeStatic applies these). A path is served only when it has
// no dot segment, and a file only when its real path (symlinks resolved)
// lies inside the folder's real path; a missing path whose last segment has
// no extension is a client-side route and gets index.html.
//
// Pure functions except RealPathInside, which reads the file system;
// all are safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace studio {

// True for a segment that is "..", "." or a hidden name (".git"): none is
// part of a built UI, and refusing them all closes traversal whatever the
// encoding was. Segments are separated by '/'.
bool HasDotSegment(std::string_view path);

// True when the last segment (after the last '/') contains a '.': a missing
// "/assets/gone.js" is a missing file (404), "/jobs/abc" is an app route.
bool LastSegmentHasExtension(std::string_view path);

// True when `path` exists and its real path lies strictly under `root`.
// REQUIRES: root is a real path (no symlinks, no trailing '/'), as
// realpath(3) returns it, and is not "/".
bool RealPathInside(const std::string& path, const std::string& root);

}  // namespace studio
