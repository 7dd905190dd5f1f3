// The JSON schemas of the API's entities and bodies (OpenAPI 3.1, i.e.
// JSON Schema 2020-12), one per shape, as json_io.h writes them and
// validation.h reads them: Job, Prompt, Adapter, AudioSample, Feedback, the
// list wrappers, stats, previews, and the error shape {"detail": string}.
// Routes refer to them as Ref("Job") ("#/components/schemas/Job").
//
// Thread-safety: pure functions returning fresh values.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace studio {

// {"$ref": "#/components/schemas/<name>"}.
nlohmann::json Ref(const std::string& name);
// Every named schema, for the document's components.schemas.
nlohmann::json ApiSchemas();

}  // namespace studio
