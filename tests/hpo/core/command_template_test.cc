// Command templates: POSIX-like word splitting, placeholder discovery and substitution.
#include "hpo/core/command_template.h"

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hpo {
namespace {

using Words = std::vector<std::string>;

TEST(SplitCommandLine, PlainWordsAndBlanks) {
  EXPECT_EQ(split_command_line("  python3   train.py\t--lr {lr}\n"),
            (Words{"python3", "train.py", "--lr", "{lr}"}));
  EXPECT_EQ(split_command_line(""), Words{});
  EXPECT_EQ(split_command_line("   "), Words{});
}

TEST(SplitCommandLine, Quotes) {
  EXPECT_EQ(split_command_line("a 'b c' \"d e\""), (Words{"a", "b c", "d e"}));
  EXPECT_EQ(split_command_line("'it''s'"), Words{"its"});           // adjacent parts join
  EXPECT_EQ(split_command_line("x'y'\"z\"w"), Words{"xyzw"});
  EXPECT_EQ(split_command_line("'' \"\""), (Words{"", ""}));        // empty words kept
  EXPECT_EQ(split_command_line("'a \\ \"b'"), Words{"a \\ \"b"});  // single quotes: literal
  EXPECT_EQ(split_command_line("'{lr}'"), Words{"{lr}"});
}

TEST(SplitCommandLine, Backslashes) {
  EXPECT_EQ(split_command_line("a\\ b c"), (Words{"a b", "c"}));
  EXPECT_EQ(split_command_line("\"a\\\"b\\\\c\\$d\\x\""), Words{"a\"b\\c$d\\x"});
  EXPECT_EQ(split_command_line("a \\\n b"), (Words{"a", "b"}));  // line continuation
  EXPECT_EQ(split_command_line("\\'x"), Words{"'x"});
}

TEST(SplitCommandLine, Errors) {
  EXPECT_THROW(split_command_line("a 'b"), std::invalid_argument);
  EXPECT_THROW(split_command_line("a \"b"), std::invalid_argument);
  EXPECT_THROW(split_command_line("a \\"), std::invalid_argument);
  try {
    split_command_line("python3 'x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("unterminated single quote"));
  }
}

TEST(Placeholders, FindsNamesAndLiteralBraces) {
  EXPECT_EQ(placeholders({"--lr={lr}", "{act}", "x{a.b}y{c-d}", "{{notme}}", "{lr}"}),
            (std::set<std::string>{"lr", "act", "a.b", "c-d"}));
  EXPECT_TRUE(placeholders({"plain", "{{", "}}"}).empty());
}

TEST(Placeholders, Malformed) {
  for (const char* bad : {"{", "{lr", "{}", "{1x}", "{a b}", "}", "a}b", "{a{b}"}) {
    EXPECT_THROW(placeholders({"ok", bad}), std::invalid_argument) << bad;
  }
  try {
    placeholders({"{lr"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("unclosed '{' in \"{lr\""));
  }
}

TEST(Substitute, TypedValuesRoundTrip) {
  const Params p{{"lr", 0.1}, {"w", std::int64_t{64}}, {"act", std::string("relu")},
                 {"flag", true}, {"tiny", 1e-5}};
  EXPECT_EQ(substitute({"t", "--lr", "{lr}", "--w={w}", "{act}-{flag}", "{tiny}", "{{lit}}"}, p),
            (Words{"t", "--lr", "0.1", "--w=64", "relu-true", "1e-05", "{lit}"}));
  const double third = 1.0 / 3.0;
  const auto out = substitute({"{x}"}, Params{{"x", third}});
  EXPECT_EQ(std::stod(out.at(0)), third);  // bit-identical after the round trip
}

TEST(Substitute, InactiveParameters) {
  const Params p{{"opt", std::string("adam")}};  // momentum is inactive
  EXPECT_EQ(substitute({"t", "--opt", "{opt}", "--momentum", "{momentum}", "--last"}, p),
            (Words{"t", "--opt", "adam", "--last"}));
  EXPECT_EQ(substitute({"t", "-m", "{momentum}"}, p), (Words{"t"}));
  EXPECT_EQ(substitute({"t", "--momentum={momentum}", "x"}, p), (Words{"t", "x"}));
  // A positional value keeps its place as an empty word; a partial word loses only the value.
  EXPECT_EQ(substitute({"t", "{momentum}", "m{momentum}"}, p), (Words{"t", "", "m"}));
  // A negative number is not a flag.
  EXPECT_EQ(substitute({"t", "-1", "{momentum}"}, p), (Words{"t", "-1", ""}));
}

TEST(ShellQuote, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(shell_quote("relu"), "relu");
  EXPECT_EQ(shell_quote("0.001"), "0.001");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(split_command_line(shell_quote("it's a $x")), Words{"it's a $x"});
}

TEST(SubstituteShell, QuotesValues) {
  const Params p{{"name", std::string("a b; rm x")}, {"n", std::int64_t{3}}};
  EXPECT_EQ(substitute_shell("run {n} '{{' {name} | tee log", p), "run 3 '{' 'a b; rm x' | tee log");
}

}  // namespace
}  // namespace hpo
