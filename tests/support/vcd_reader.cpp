#include "tests/support/vcd_reader.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tilesim::test {

std::int64_t VcdTrace::time_high(const std::string& name) const {
  const auto& list = changes.at(ids.at(name));
  std::int64_t total = 0, since = 0;
  bool high = false;
  for (const auto& [time, value] : list) {
    if (high) total += time - since;
    high = value == "1";
    since = time;
  }
  if (high) total += end_time - since;
  return total;
}

VcdTrace read_vcd(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  VcdTrace trace;
  std::string word;
  std::int64_t now = 0;
  bool in_definitions = true;
  std::vector<std::string> scopes;  // open scopes; names are given below the outermost
  while (in >> word) {
    if (in_definitions) {
      if (word == "$scope") {
        std::string kind, name, end;
        in >> kind >> name >> end;
        scopes.push_back(name);
      } else if (word == "$upscope") {
        in >> word;  // $end
        if (!scopes.empty()) scopes.pop_back();
      } else if (word == "$timescale") {
        std::string part;
        while (in >> part && part != "$end") trace.timescale += (trace.timescale.empty() ? "" : " ") + part;
      } else if (word == "$var") {
        std::string type, width, id, name, rest;
        in >> type >> width >> id >> name;
        while (in >> rest && rest != "$end") {
        }
        std::string path;
        for (std::size_t i = 1; i < scopes.size(); ++i) path += scopes[i] + ".";
        trace.ids[path + name] = id;
      } else if (word == "$comment" || word == "$date" || word == "$version") {
        while (in >> word && word != "$end") {
        }
      } else if (word == "$enddefinitions") {
        in >> word;  // $end
        in_definitions = false;
      }
      continue;
    }
    if (word[0] == '#') {
      now = std::stoll(word.substr(1));
      if (!trace.timestamps.empty() && now <= trace.timestamps.back()) {
        throw std::runtime_error("timestamps do not increase at #" + std::to_string(now));
      }
      trace.timestamps.push_back(now);
      trace.end_time = now;
    } else if (word[0] == 'b' || word[0] == 'r') {
      std::string id;
      in >> id;
      trace.changes[id].emplace_back(now, word.substr(1));
    } else if (word[0] == '0' || word[0] == '1' || word[0] == 'x' || word[0] == 'z') {
      trace.changes[word.substr(1)].emplace_back(now, word.substr(0, 1));
    } else if (word == "$comment") {
      while (in >> word && word != "$end") {
      }
    } else if (word[0] == '$') {
      // $dumpvars / $end and the like
    } else {
      throw std::runtime_error("unexpected VCD token '" + word + "'");
    }
  }
  if (in_definitions) throw std::runtime_error(path + " has no $enddefinitions");
  return trace;
}

}  // namespace tilesim::test
