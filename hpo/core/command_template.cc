#include "hpo/core/command_template.h"

#include <cctype>
#include <optional>
#include <stdexcept>

namespace hpo {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// One piece of a template word: literal text, or a placeholder name.
struct Piece {
  bool is_placeholder = false;
  std::string text;
};

std::vector<Piece> parse_word(const std::string& word) {
  std::vector<Piece> out;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.push_back({false, literal});
    literal.clear();
  };
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (c == '{' && i + 1 < word.size() && word[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (c == '}' && i + 1 < word.size() && word[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (c == '}') {
      throw std::invalid_argument("a lone '}' in \"" + word + "\" (write '}}' for a literal brace)");
    } else if (c == '{') {
      const auto close = word.find('}', i + 1);
      if (close == std::string::npos)
        throw std::invalid_argument("unclosed '{' in \"" + word +
                                    "\" (write '{{' for a literal brace)");
      const std::string name = word.substr(i + 1, close - i - 1);
      bool ok = !name.empty() && is_name_start(name[0]);
      for (char n : name) ok = ok && is_name_char(n);
      if (!ok)
        throw std::invalid_argument("bad placeholder '{" + name + "}' in \"" + word +
                                    "\": a parameter name is a letter or '_' followed by "
                                    "letters, digits, '_', '.' or '-' (write '{{' and '}}' for "
                                    "literal braces)");
      flush();
      out.push_back({true, name});
      i = close;
    } else {
      literal += c;
    }
  }
  flush();
  return out;
}

bool is_flag_word(const std::string& w) {
  if (w == "--") return false;
  return w.size() >= 2 && w[0] == '-' &&
         (w[1] == '-' || std::isalpha(static_cast<unsigned char>(w[1])));
}

}  // namespace

std::vector<std::string> split_command_line(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else if (c == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string::npos)
        throw std::invalid_argument("unterminated single quote in command: " + text);
      cur += text.substr(i + 1, close - i - 1);
      in_word = true;
      i = close;
    } else if (c == '"') {
      in_word = true;
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          const char n = text[j + 1];
          if (n == '$' || n == '`' || n == '"' || n == '\\') {
            cur += n;
            ++j;
            continue;
          }
          if (n == '\n') {
            ++j;
            continue;
          }
        }
        cur += text[j];
      }
      if (j >= text.size())
        throw std::invalid_argument("unterminated double quote in command: " + text);
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= text.size())
        throw std::invalid_argument("command ends with a backslash: " + text);
      if (text[i + 1] != '\n') {
        cur += text[i + 1];
        in_word = true;
      }
      ++i;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

std::set<std::string> placeholders(const std::vector<std::string>& argv) {
  std::set<std::string> names;
  for (const auto& w : argv)
    for (const auto& p : parse_word(w))
      if (p.is_placeholder) names.insert(p.text);
  return names;
}

std::vector<std::string> substitute(const std::vector<std::string>& argv, const Params& params) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  bool prev_is_flag = false;  // the last word emitted is argv[i-1] and a flag
  for (const auto& word : argv) {
    const auto pieces = parse_word(word);
    const bool whole = pieces.size() == 1 && pieces[0].is_placeholder;
    const bool flag_eq = pieces.size() == 2 && !pieces[0].is_placeholder &&
                         pieces[1].is_placeholder && is_flag_word(pieces[0].text) &&
                         pieces[0].text.back() == '=';
    if (whole && !params.count(pieces[0].text)) {
      // An inactive whole-word value: drop it with its "--flag", else leave an empty word.
      if (prev_is_flag) out.pop_back();
      else out.emplace_back();
      prev_is_flag = false;
      continue;
    }
    if (flag_eq && !params.count(pieces[1].text)) {
      prev_is_flag = false;
      continue;
    }
    std::string s;
    for (const auto& p : pieces) {
      if (!p.is_placeholder) {
        s += p.text;
      } else if (auto it = params.find(p.text); it != params.end()) {
        s += format_param(it->second);
      }
    }
    prev_is_flag = is_flag_word(word);
    out.push_back(std::move(s));
  }
  return out;
}

std::string shell_quote(const std::string& word) {
  bool safe = !word.empty();
  for (char c : word)
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("_-.,:/+=@%").find(c) != std::string_view::npos);
  if (safe) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string substitute_shell(const std::string& command, const Params& params) {
  std::string out;
  for (const auto& p : parse_word(command)) {
    if (!p.is_placeholder) {
      out += p.text;
    } else if (auto it = params.find(p.text); it != params.end()) {
      out += shell_quote(format_param(it->second));
    }
  }
  return out;
}

}  // namespace hpo
