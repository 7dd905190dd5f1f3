#include "engine/wav_writer.h"

#include <sndfile.h>

#include <cerrno>
#include <utility>

namespace studio {

Status WriteWavFile(Env* env, const std::string& path, const PcmAudio& audio,
                    const WavTags& tags) {
  if (audio.channels <= 0 || audio.sample_rate <= 0 ||
      audio.samples.size() % static_cast<size_t>(audio.channels) != 0) {
    return Status::InvalidArgument("audio to write has an invalid shape");
  }
  const std::string tmp = path + ".tmp";
  SF_INFO info{};
  info.samplerate = audio.sample_rate;
  info.channels = audio.channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  errno = 0;
  SNDFILE* file = sf_open(tmp.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    int err = errno;
    std::string why = sf_strerror(nullptr);
    env->RemoveFile(tmp);
    if (IsDiskFullErrno(err)) return FileError("cannot create " + tmp, err);
    return Status::IOError("cannot create " + tmp + ": " + why);
  }
  // Before the data: libsndfile places the INFO chunk where it is told to.
  for (const auto& [type, text] : {std::pair{SF_STR_TITLE, &tags.title},
                                   std::pair{SF_STR_COMMENT, &tags.comment},
                                   std::pair{SF_STR_SOFTWARE, &tags.software}}) {
    if (!text->empty() && sf_set_string(file, type, text->c_str()) != 0) {
      sf_close(file);
      env->RemoveFile(tmp);
      return Status::IOError("cannot tag " + tmp + ": " + sf_strerror(nullptr));
    }
  }
  const sf_count_t frames = static_cast<sf_count_t>(audio.frames());
  const sf_count_t written =
      frames == 0 ? 0 : sf_writef_short(file, audio.samples.data(), frames);
  std::string why = written == frames ? "" : sf_strerror(file);
  int err = written == frames ? 0 : errno;
  // sf_close finishes the header (data sizes); its failure is a failed write.
  if (sf_close(file) != 0 && why.empty()) why = "cannot finish the WAV header", err = errno;
  if (!why.empty()) {
    env->RemoveFile(tmp);
    if (IsDiskFullErrno(err)) return FileError("cannot write " + tmp, err);
    return Status::IOError("cannot write " + tmp + ": " + why);
  }
  Status renamed = env->RenameFile(tmp, path);
  if (!renamed.ok()) {
    env->RemoveFile(tmp);
    return Status::IOError("cannot move " + tmp + " to " + path + ": " + renamed.message());
  }
  return Status::Ok();
}

}  // namespace studio
