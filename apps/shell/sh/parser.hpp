#pragma once
/// The shell's lexer and recursive-descent parser (POSIX XCU 2.10 grammar). It reads one
/// complete command at a time, so that aliases and function definitions made by one line apply
/// to the next, and so that `exit` stops reading.

#include "ast.hpp"
#include "input.hpp"

namespace mos::sh {

/// Looks up an alias; returns its text or null. `ctx` is the shell.
using AliasLookupFn = const char* (*)(void* ctx, const char* name);

/// Token kinds.
enum class Tok : uint8_t {
  Word,
  IoNumber,
  Newline,
  Eof,
  Semi,
  Amp,
  AndIf,
  OrIf,
  Pipe,
  LParen,
  RParen,
  DSemi,
  Less,
  Great,
  DLess,
  DLessDash,
  DGreat,
  LessAnd,
  GreatAnd,
  LessGreat,
  Clobber,
};

/// Parses commands from an Input.
class Parser {
 public:
  /// Parses from `in`; `aliases` (may be null) expands aliases in command position.
  Parser(Input& in, AliasLookupFn aliases, void* alias_ctx, int depth = 0)
      : in_(in), aliases_(aliases), alias_ctx_(alias_ctx), depth_(depth) {}
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  ~Parser();

  /// Outcome of parse_command.
  enum class Status { Ok, Eof, Error };
  /// Parses the next complete command (up to a newline). *out is null for an empty line.
  Status parse_command(Node** out);
  /// The message of the last Error ("syntax error: ..."); empty after ^C.
  const char* error() const { return error_.c_str(); }

  /// Parses the body of `$(` up to its `)`, for the lexer (the text is recorded by Input).
  bool parse_substitution();

 private:
  struct Token {
    Tok kind;
    StrBuf text;
  };
  struct PendingHere {
    Node* node;
    size_t index;
  };

  // Lexer (lexer.cpp).
  bool lex(Token& t);
  bool lex_word(int c, StrBuf& out);
  bool scan_dquote(StrBuf& out);
  bool scan_squote(StrBuf& out);
  bool scan_backquote(StrBuf& out);
  bool scan_dollar(StrBuf& out);
  bool scan_brace(StrBuf& out);
  bool scan_arith(StrBuf& out);
  bool read_here_docs();

  // Grammar (parser.cpp).
  Token& peek();
  void take() { have_tok_ = false; }
  bool peek_word(const char* w);
  // The next token as an error message names it: a word's text, or the operator.
  const char* peek_text();
  bool fail(const char* msg, const char* detail = nullptr);
  // `n`, or null (with `n` freed) once an error is set.
  Node* finish(Node* n);
  void skip_newlines();
  Node* parse_list(bool top);
  Node* parse_and_or();
  Node* parse_pipeline();
  Node* parse_command_node();
  Node* parse_simple();
  bool parse_function(Node* n, char* word);
  Node* parse_compound(Node* n);
  Node* parse_compound_list(const char* end1, const char* end2 = nullptr,
                            const char* end3 = nullptr);
  // A compound list that must not be empty: fails with `msg` `detail` if it is.
  Node* parse_body(const char* msg, const char* detail, const char* end1,
                   const char* end2 = nullptr, const char* end3 = nullptr);
  Node* parse_if();
  Node* parse_loop(NodeKind kind);
  void parse_do_group(Node** body);
  Node* parse_for();
  Node* parse_case();
  void parse_case_item(Node* n);
  bool parse_redir(Node* n);
  bool parse_redirs(Node* n);
  bool expect_word(const char* w);
  bool enter();
  void leave() { --depth_; }
  // Opens a nested compound command of `kind` at its first token (null if nested too deeply);
  // close_compound ends it.
  Node* open_compound(NodeKind kind);
  Node* close_compound(Node* n);

  Input& in_;
  AliasLookupFn aliases_;
  void* alias_ctx_;
  int depth_;
  Token tok_{};
  bool have_tok_ = false;
  bool error_set_ = false;
  StrBuf error_;
  Vec<PendingHere> here_;
  int alias_budget_ = 0;
};

/// True if `w` is one of the shell's reserved words (`if`, `{`, `!`, `in`, ...).
bool is_reserved_word(const char* w);
/// True if `s` is a valid variable name.
bool is_name(const char* s, size_t n);
/// Quote removal for a here-document delimiter; sets *quoted if any quoting was present.
char* unquote_delimiter(const char* raw, bool* quoted);

}  // namespace mos::sh
