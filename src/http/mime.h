// Content types of the static files the server sends, by file extension.
// Pure function, safe from any thread.
#pragma once

#include <string_view>

namespace studio {

// The Content-Type for a file at `path`, from the extension of its last
// segment (case-insensitive): "text/html; charset=utf-8" for ".html", ...
// Unknown or missing extensions give "application/octet-stream". The
// returned view is a static string.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace studio
