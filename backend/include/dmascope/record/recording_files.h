// Choosing the file names of a new recording without ever overwriting one: the pair
// NAME.sigmf-data / NAME.sigmf-meta is created with O_EXCL, and when NAME is taken the next free
// of NAME-1, NAME-2, ... is used. Names may be patterns: "{device}" becomes the device name,
// "{date}" the local date (YYYYMMDD), "{time}" the local time (HHMMSS), "{datetime}" both
// ("YYYYMMDD-HHMMSS").
#pragma once

#include "dmascope/unique_fd.h"

#include <ctime>
#include <string>

namespace dmascope {

struct RecordingFiles
{
    std::string base;      // directory/NAME
    std::string dataPath;  // base + ".sigmf-data"
    std::string metaPath;  // base + ".sigmf-meta"
    UniqueFd data;         // the data file, created empty, open for writing
};

// `name` after pattern substitution at `when` (local time). Throws std::invalid_argument when
// the result is empty, contains '/', or has an unknown "{...}" field.
std::string expandRecordingName(const std::string &pattern, const std::string &device,
                                std::time_t when);

// Creates the data file and reserves the meta file name (created empty) for the first free
// NAME in `directory`. Throws std::invalid_argument for a bad name and SystemError (with the
// directory in the message) when the directory is missing or not writable. Gives up after
// 10000 taken names.
RecordingFiles createRecordingFiles(const std::string &directory, const std::string &name);

} // namespace dmascope
