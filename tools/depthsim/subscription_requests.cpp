#include "subscription_requests.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

#include "payload_format.hpp"

namespace depthsim {

namespace {

std::string error_reply(int code, const std::string& message, const std::string& id_json) {
  std::string out = "{\"code\":" + std::to_string(code) + ",\"msg\":";
  append_json_string(out, message);
  out += ",\"id\":" + id_json + "}";
  return out;
}

std::string result_reply(const std::string& result_json, const std::string& id_json) {
  return "{\"result\":" + result_json + ",\"id\":" + id_json + "}";
}

std::string string_list_json(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, items[i]);
  }
  out.push_back(']');
  return out;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

RequestOutcome subscribe(const rapidjson::Value& params, SubscriptionState& state,
                         const StreamValidator& is_valid_stream, std::size_t max_streams,
                         const std::string& id) {
  RequestOutcome outcome;
  std::vector<std::string> wanted;
  for (const auto& param : params.GetArray()) {
    if (!param.IsString()) {
      outcome.reply = error_reply(2, "Invalid request: stream names must be strings", id);
      return outcome;
    }
    const std::string stream(param.GetString(), param.GetStringLength());
    if (!is_valid_stream(stream)) {
      outcome.reply = error_reply(2, "Invalid request: invalid stream name '" + stream + "'", id);
      return outcome;
    }
    if (!contains(state.streams, stream) && !contains(wanted, stream)) wanted.push_back(stream);
  }
  if (state.streams.size() + wanted.size() > max_streams) {
    outcome.reply = error_reply(
        2, "Invalid request: too many streams (limit " + std::to_string(max_streams) + ")", id);
    outcome.over_stream_limit = true;
    return outcome;
  }
  state.streams.insert(state.streams.end(), wanted.begin(), wanted.end());
  outcome.added = std::move(wanted);
  outcome.reply = result_reply("null", id);
  return outcome;
}

RequestOutcome unsubscribe(const rapidjson::Value& params, SubscriptionState& state,
                           const std::string& id) {
  RequestOutcome outcome;
  for (const auto& param : params.GetArray()) {
    if (!param.IsString()) {
      outcome.reply = error_reply(2, "Invalid request: stream names must be strings", id);
      return outcome;
    }
  }
  for (const auto& param : params.GetArray()) {
    const std::string stream(param.GetString(), param.GetStringLength());
    auto found = std::find(state.streams.begin(), state.streams.end(), stream);
    if (found != state.streams.end()) {
      state.streams.erase(found);
      outcome.removed.push_back(stream);
    }
  }
  outcome.reply = result_reply("null", id);
  return outcome;
}

RequestOutcome property(bool set, const rapidjson::Value* params, SubscriptionState& state,
                        const std::string& id) {
  RequestOutcome outcome;
  const std::size_t expected = set ? 2 : 1;
  if (params == nullptr || params->Size() < expected) {
    outcome.reply = error_reply(2, "Invalid request: missing parameters", id);
    return outcome;
  }
  if (params->Size() > expected) {
    outcome.reply = error_reply(2, "Invalid request: too many parameters", id);
    return outcome;
  }
  const rapidjson::Value& name = (*params)[0];
  if (!name.IsString() || std::string_view(name.GetString()) != "combined") {
    outcome.reply = error_reply(0, "Unknown property", id);
    return outcome;
  }
  if (!set) {
    outcome.reply = result_reply(state.combined ? "true" : "false", id);
    return outcome;
  }
  const rapidjson::Value& value = (*params)[1];
  if (!value.IsBool()) {
    outcome.reply = error_reply(1, "Invalid value type: expected Boolean", id);
    return outcome;
  }
  state.combined = value.GetBool();
  outcome.reply = result_reply("null", id);
  return outcome;
}

}  // namespace

RequestOutcome handle_subscription_request(std::string_view text, SubscriptionState& state,
                                           const StreamValidator& is_valid_stream,
                                           std::size_t max_streams) {
  RequestOutcome outcome;
  rapidjson::Document request;
  request.Parse(text.data(), text.size());
  if (request.HasParseError()) {
    outcome.reply = error_reply(3,
                                std::string("Invalid JSON: ") +
                                    rapidjson::GetParseError_En(request.GetParseError()) +
                                    " at offset " + std::to_string(request.GetErrorOffset()),
                                "null");
    return outcome;
  }
  if (!request.IsObject()) {
    outcome.reply = error_reply(2, "Invalid request: expected a JSON object", "null");
    return outcome;
  }
  std::string id = "null";
  auto id_member = request.FindMember("id");
  if (id_member != request.MemberEnd() && !id_member->value.IsNull()) {
    if (!id_member->value.IsUint64()) {
      outcome.reply =
          error_reply(2, "Invalid request: request ID must be an unsigned integer", "null");
      return outcome;
    }
    id = std::to_string(id_member->value.GetUint64());
  }
  auto method_member = request.FindMember("method");
  if (method_member == request.MemberEnd() || !method_member->value.IsString()) {
    outcome.reply = error_reply(2, "Invalid request: missing field `method`", id);
    return outcome;
  }
  const std::string_view method = method_member->value.GetString();
  auto params_member = request.FindMember("params");
  const rapidjson::Value* params = nullptr;
  if (params_member != request.MemberEnd()) {
    if (!params_member->value.IsArray()) {
      outcome.reply = error_reply(2, "Invalid request: `params` must be an array", id);
      return outcome;
    }
    params = &params_member->value;
  }
  if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
    if (params == nullptr) {
      outcome.reply = error_reply(2, "Invalid request: missing field `params`", id);
      return outcome;
    }
    return method == "SUBSCRIBE" ? subscribe(*params, state, is_valid_stream, max_streams, id)
                                 : unsubscribe(*params, state, id);
  }
  if (method == "LIST_SUBSCRIPTIONS") {
    outcome.reply = result_reply(string_list_json(state.streams), id);
    return outcome;
  }
  if (method == "SET_PROPERTY" || method == "GET_PROPERTY") {
    return property(method == "SET_PROPERTY", params, state, id);
  }
  outcome.reply =
      error_reply(2, "Invalid request: unknown variant `" + std::string(method) + "`", id);
  return outcome;
}

}  // namespace depthsim
