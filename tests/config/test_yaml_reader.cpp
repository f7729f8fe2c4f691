#include <catch2/catch.hpp>

#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

using tilesim::InputError;
using tilesim::yaml::Document;
using tilesim::yaml::IntRule;

TEST_CASE("parse_integer accepts plain decimal integers only", "[yaml]") {
  bool out_of_range = false;
  CHECK(tilesim::yaml::parse_integer("42", &out_of_range) == 42);
  CHECK(tilesim::yaml::parse_integer("+7", &out_of_range) == 7);
  CHECK(tilesim::yaml::parse_integer("-3", &out_of_range) == -3);
  CHECK_FALSE(tilesim::yaml::parse_integer("", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer("0x10", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer("1e3", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer(" 5", &out_of_range));
  CHECK_FALSE(out_of_range);
  CHECK_FALSE(tilesim::yaml::parse_integer("9223372036854775808", &out_of_range));
  CHECK(out_of_range);
}

TEST_CASE("entries() keeps file order and marks user-chosen keys as known", "[yaml]") {
  const Document doc = Document::parse("tensors:\n  b: 1\n  a: 2\n  c: 3\n", "m.yaml");
  auto root = doc.root("a mapping");
  auto tensors = root.section("tensors", true, "a mapping");
  const auto entries = tensors.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].key == "b");
  CHECK(entries[1].key == "a");
  CHECK(entries[2].mark.line == 3);
  tensors.finish();  // nothing unknown
  root.finish();
}

TEST_CASE("errors in nested sections carry the full dotted key path", "[yaml]") {
  const Document doc = Document::parse("a:\n  b:\n    c: x\n", "deep.yaml");
  auto root = doc.root("a mapping");
  auto b = root.section("a", true, "a mapping").section("b", true, "a mapping");
  try {
    b.integer("c", IntRule{0, 10, ""}, std::nullopt);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "deep.yaml:3: a.b.c: 'x' is not an integer (expected an integer from 0 to 10)");
  }
}

TEST_CASE("control bytes in values are escaped so an error stays one line", "[yaml]") {
  CHECK(tilesim::quoted("a\nb\tc") == "'a\\x0ab\\x09c'");
  CHECK(tilesim::quoted(std::string(100, 'x')) == "'" + std::string(60, 'x') + "...'");
}

TEST_CASE("a missing file names the file and the system's reason", "[yaml]") {
  try {
    Document::load_file("/nonexistent/hw.yaml");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/hw.yaml: cannot open: No such file or directory (expected a readable YAML file)");
  }
}
